#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Man pages for include/wireguard.h's sections, made from the header itself.

    gen-man.py HEADER OUTDIR     write one page per section, plus one
                                 ".so" page per function pointing to it
    gen-man.py --list HEADER     print the names of the pages it writes

Each header section (a banner comment between two dashed lines) becomes
libwireguard-SLUG(3): NAME lists its functions, SYNOPSIS their prototypes,
DESCRIPTION the section's opening comment and each function's doc block
(\\brief, \\param, \\return), DATA TYPES the section's types and constants as
the header writes them.  Nothing is written twice, so the pages cannot drift
from the header; libwireguard(3) is the hand-written overview.
"""
import os
import re
import sys

# Page name of each section, by the first words of its banner title.
SLUGS = [
    ("Version, errors", "errors"),
    ("Keys", "keys"),
    ("Configuration model", "config"),
    ("Devices", "devices"),
    ("Configuration files", "configfile"),
    ("Canonical form", "diff"),
    ("The in-process engine", "engine"),
    ("Managed engine", "tunnel"),
    ("Watching devices", "watch"),
]
DASHES = re.compile(r"^/\* -{20,} \*/$")
FUNC = re.compile(r"\b(wg_[a-z0-9_]+)\s*\(")
SKIP = re.compile(r"^(#ifdef __cplusplus|}|#endif|#ifndef WIREGUARD_H|#define WIREGUARD_H)\s*$")


def slug(title):
    for prefix, s in SLUGS:
        if title.startswith(prefix):
            return s
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse(path):
    """[(title, intro_lines, [(name, proto, doc_lines)], type_lines)]"""
    lines = open(path, encoding="utf-8").read().split("\n")
    sections, i = [], 0
    cur = None
    while i < len(lines):
        line = lines[i]
        if DASHES.match(line) and i + 2 < len(lines) and DASHES.match(lines[i + 2]):
            title = lines[i + 1][2:-2].strip()
            cur = (title, [], [], [])
            sections.append(cur)
            i += 3
            continue
        if cur is None:
            i += 1
            continue
        if line == "/*" and not cur[1] and not cur[2] and not any(t.strip() for t in cur[3]):
            i += 1
            while not lines[i].startswith(" */"):
                cur[1].append(lines[i][3:] if lines[i].startswith(" * ") else "")
                i += 1
            i += 1
            continue
        if line.startswith("/**") and not line.startswith("/**<"):
            start = i
            doc = []
            if line.rstrip().endswith("*/"):
                doc.append(line[3:-2].strip())
            else:
                i += 1
                while not lines[i].lstrip().startswith("*/"):
                    text = lines[i].lstrip()
                    doc.append(text[2:] if text.startswith("* ") else text.lstrip("*"))
                    i += 1
            i += 1
            decl = []
            while i < len(lines) and lines[i].strip():
                decl.append(lines[i])
                if lines[i].rstrip().endswith(";") and not lines[i].startswith("\t") \
                        and not lines[i].startswith(" "):
                    break
                i += 1
            i += 1
            text = " ".join(d.strip() for d in decl)
            m = FUNC.search(text)
            if m and not re.match(r"(typedef|#define|struct|enum|union)\b", text):
                cur[2].append((m.group(1), "\n".join(decl), doc))
            else:
                cur[3].extend(lines[start:i])
            continue
        if not SKIP.match(line):
            cur[3].append(line)
        i += 1
    return sections


def esc(s):
    s = s.replace("\\", "\\e")
    return "\\&" + s if s[:1] in (".", "'") else s


def para(lines):
    """Doc text to man paragraphs: blank lines separate them; lines indented
    like list items (" - ") start an .IP."""
    out = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != ".PP":
                out.append(".PP")
        elif re.match(r"^\s*- ", line):
            out.append('.IP "\\(bu" 2')
            out.append(esc(re.sub(r"^\s*- ", "", line)))
        else:
            out.append(esc(line.strip()))
    while out and out[-1] == ".PP":
        out.pop()
    return out


def function_doc(name, proto, doc):
    out = [".SS %s()" % name]
    brief, params, ret, rest = [], [], [], []
    target = rest
    for line in doc:
        m = re.match(r"\\brief\s+(.*)", line)
        if m:
            brief, target = [m.group(1)], brief
            continue
        m = re.match(r"\\param\s+(\S+)\s*(.*)", line)
        if m:
            params.append((m.group(1), [m.group(2)]))
            target = params[-1][1]
            continue
        m = re.match(r"\\return\s+(.*)", line)
        if m:
            ret, target = [m.group(1)], ret
            continue
        if not line.strip():
            target = rest
            if rest and rest[-1] != "":
                rest.append("")
            continue
        target.append(line)
    out += para(brief)
    for p, text in params:
        out += [".TP", ".I %s" % p] + [esc(t.strip()) for t in text if t.strip()]
    if ret:
        out += [".TP", ".B Returns"] + [esc(t.strip()) for t in ret]
    if rest:
        out += [".PP"] + para(rest)
    return out


def page(title, intro, funcs, types, name, date):
    out = ['.\\" SPDX-License-Identifier: LGPL-2.1-or-later',
           '.\\" Generated from include/wireguard.h by man/gen-man.py: edit the header.',
           '.TH %s 3 "%s" "libwireguard" "libwireguard manual"' % (name.upper(), date),
           ".SH NAME"]
    names = ", ".join(f[0] for f in funcs) if funcs else name
    out.append("%s \\- %s" % (names, esc(title)))
    out += [".SH SYNOPSIS", ".nf", ".B #include <wireguard.h>", ""]
    for _, proto, _ in funcs:
        out += [esc(l.strip() if i else l) for i, l in enumerate(proto.split("\n"))]
        out.append("")
    out += [".fi", ".PP", "Link with", ".IR \"pkg-config \\-\\-libs libwireguard\" .",
            ".SH DESCRIPTION"]
    out += para(intro) if intro else ["The section \\(lq%s\\(rq of" % esc(title), ".BR libwireguard (3)."]
    out += [".PP", "The rules that hold for every function (errors, threads, ownership, secrets)",
            "are in", ".BR libwireguard (3)."]
    for f in funcs:
        out += function_doc(*f)
    while types and not types[0].strip():
        types.pop(0)
    while types and not types[-1].strip():
        types.pop()
    if types:
        out += [".SH DATA TYPES", "As declared in", ".IR <wireguard.h> :", ".PP", ".nf",
                ".ft CR"] + [esc(l.expandtabs(8)) for l in types] + [".ft", ".fi"]
    out += [".SH SEE ALSO", ".BR libwireguard (3),", ".BR wg-engine (8),", ".BR wg (8)"]
    return "\n".join(out) + "\n"


def main():
    if sys.argv[1] == "--list":
        for title, _, funcs, _ in parse(sys.argv[2]):
            print("libwireguard-%s.3" % slug(title))
            for f in funcs:
                print("%s.3" % f[0])
        return 0
    header, outdir = sys.argv[1], sys.argv[2]
    date = os.environ.get("MAN_DATE", "")
    if not date:
        import time
        t = int(os.environ.get("SOURCE_DATE_EPOCH", os.path.getmtime(header)))
        date = time.strftime("%Y-%m-%d", time.gmtime(t))
    for title, intro, funcs, types in parse(header):
        name = "libwireguard-%s" % slug(title)
        with open(os.path.join(outdir, name + ".3"), "w", encoding="utf-8") as f:
            f.write(page(title, intro, funcs, types, name, date))
        for fn in funcs:
            with open(os.path.join(outdir, fn[0] + ".3"), "w", encoding="utf-8") as f:
                f.write(".so man3/%s.3\n" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
