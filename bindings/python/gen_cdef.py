#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generate the cffi cdef of pywireguard from include/wireguard.h.

Every declaration comes from the header itself, run through the C
preprocessor, so the bindings cannot drift from it: a function added to the
header appears in the module at the next build.  What cffi's parser cannot
take is rewritten mechanically:

- only text that the preprocessor attributes to wireguard.h is kept (its
  linemarkers say which file each line came from);
- object-like macros with a numeric value become ``#define NAME ...`` (the
  value is read from C in API mode); function-like macros are dropped;
- ``__extension__``, ``__attribute__((...))``, ``restrict`` and the bodies of
  ``static inline`` functions are removed;
- array lengths that are not plain integers (``sizeof`` arithmetic) become
  ``[...]``, which API mode resolves with the C compiler;
- system types the header uses are declared as partial structs (``...;``),
  with the few fields Python reads listed in SYSTEM_FIELDS, or as opaque /
  integer typedefs found in the system headers' own text;
- each callback type ``typedef R name(..., void *ctx);`` gets an
  ``extern "Python"`` trampoline ``_pywg_<name>`` so that callbacks need no
  libffi closures.

Usage: gen_cdef.py HEADER [-- CC [ARGS...]]   (prints the cdef)
"""
import re
import subprocess
import sys

# Fields of system structs that the Python layer reads; everything else in
# them stays hidden behind "...;" and is laid out by the C compiler.
SYSTEM_FIELDS = {
    "sockaddr": "sa_family_t sa_family;",
    "sockaddr_in": "sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;",
    "sockaddr_in6": ("sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo; "
                     "struct in6_addr sin6_addr; uint32_t sin6_scope_id;"),
    "timespec": "time_t tv_sec; long tv_nsec;",
}
# System typedefs those fields need, always declared.
SYSTEM_TYPEDEFS = ["sa_family_t", "in_port_t", "time_t"]
# libc functions the header's contracts require (wg_list_device_names()
# returns memory to release with free()); build_ffi.py includes <stdlib.h>.
SYSTEM_FUNCTIONS = ["void free(void *ptr);"]

C_WORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static
struct switch typedef union unsigned void volatile while _Bool bool""".split())

NUMERIC = re.compile(r"^[\s()0-9a-fA-FxXuUlL+\-*/%<>|&^~]+$")


def preprocess(header, cc):
    cmd = list(cc) + ["-E", "-dD", "-D_GNU_SOURCE", "-x", "c", header]
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout


def split_by_origin(text, header):
    """Text that came from the header itself, and everything else."""
    name = header.rsplit("/", 1)[-1]
    ours, system = [], []
    target = system
    for line in text.splitlines():
        m = re.match(r'^# \d+ "([^"]*)"', line)
        if m:
            target = ours if m.group(1).rsplit("/", 1)[-1] == name else system
            continue
        target.append(line)
    return "\n".join(ours), "\n".join(system)


def strip_balanced(text, word):
    """Remove every `word ( ... )` with balanced parentheses."""
    out = []
    i = 0
    pat = re.compile(r"\b%s\b\s*\(" % re.escape(word))
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        depth, j = 0, m.end() - 1
        while j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        i = j


def top_level_decls(text):
    """Split C text into top-level declarations, dropping function bodies."""
    decls, cur, depth, i = [], [], 0, 0
    while i < len(text):
        c = text[i]
        if c == "{":
            # A brace after ')' at top level opens a function body: skip it.
            if depth == 0 and "".join(cur).rstrip().endswith(")"):
                d, i = 1, i + 1
                while i < len(text) and d:
                    d += {"{": 1, "}": -1}.get(text[i], 0)
                    i += 1
                cur = []
                continue
            depth += 1
        elif c == "}":
            depth -= 1
        if c == ";" and depth == 0:
            decl = "".join(cur).strip()
            if decl:
                decls.append(decl + ";")
            cur = []
        else:
            cur.append(c)
        i += 1
    return decls


def system_typedefs(system_text):
    """name -> True if the system headers typedef it as a scalar."""
    found = {}
    text = "\n".join(l for l in system_text.splitlines() if not l.startswith("#"))
    for decl in top_level_decls(strip_balanced(text, "__attribute__")):
        if not decl.startswith("typedef") or "(" in decl:
            continue
        m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*;$", decl)
        if m:
            body = decl[len("typedef"):m.start()].strip()
            found[m.group(1)] = not re.match(r"(struct|union)\b", body) and not m.group(2)
    return found


def generate(header, cc=("cc",)):
    ours, system = split_by_origin(preprocess(header, cc), header)

    defines, code = [], []
    for line in ours.splitlines():
        m = re.match(r"^#define\s+(\w+)(\(?)\s*(.*)$", line)
        if m:
            name, funclike, value = m.groups()
            if not funclike and value and NUMERIC.match(value):
                defines.append("#define %s ..." % name)
        elif not line.startswith("#"):
            code.append(line)
    code = "\n".join(code)
    code = strip_balanced(code, "__attribute__")
    code = re.sub(r"\b(__extension__|__restrict|__restrict__|restrict|__inline|__inline__)\b",
                  "", code)
    decls = []
    for decl in top_level_decls(code):
        if re.match(r"(static|inline)\b", decl):
            continue
        decl = re.sub(r"\[([^\]]*)\]",
                      lambda m: m.group(0) if re.match(r"^\s*\d*\s*$", m.group(1)) else "[...]",
                      decl)
        decls.append(re.sub(r"\s+", " ", decl))
    body = "\n".join(decls)

    # System types the header refers to.
    defined_structs = set(re.findall(r"\b(?:struct|union)\s+(\w+)\s*\{", body))
    used_structs = set(re.findall(r"\b(?:struct|union)\s+(\w+)", body)) - defined_structs
    complete = set(re.findall(r"\b(?:struct|union)\s+(\w+)\s*\{", system))
    typedefs = system_typedefs(system)
    declared = set(re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", body))
    words = set(re.findall(r"\b[A-Za-z_]\w*\b", body))

    prelude = []
    need_td = [t for t in SYSTEM_TYPEDEFS]
    fields = []
    for s in sorted(used_structs):
        if s in SYSTEM_FIELDS:
            fields.append("struct %s { %s ...; };" % (s, SYSTEM_FIELDS[s]))
        elif s in complete:
            fields.append("struct %s { ...; };" % s)
    for name in sorted(words - C_WORDS - declared - set(need_td)):
        if name in typedefs and not re.match(r"(u?int\d+_t|size_t|ssize_t|FILE|bool)$", name):
            need_td.append(name)
    for name in need_td:
        prelude.append(("typedef int... %s;" if typedefs.get(name, True) else
                        "typedef ... %s;") % name)
    # Structs whose fields were listed first, in dependency order (in_addr
    # before sockaddr_in): plain opaque ones, then those with fields.
    fields.sort(key=lambda f: "sin_addr" in f or "sin6_addr" in f)
    prelude += fields + SYSTEM_FUNCTIONS

    trampolines = []
    # Both "typedef R name(...)" and "typedef R (*name)(...)".
    for m in re.finditer(r"^typedef ([^()\n]+?)\s*(?:\(\s*\*\s*(\w+)\s*\)|\b(\w+))\s*"
                         r"\(([^\n]*?void \*\s*\w+)\s*\);$", body, re.M):
        ret, name, params = m.group(1), m.group(2) or m.group(3), m.group(4)
        trampolines.append('extern "Python" %s _pywg_%s(%s);' % (ret, name, params))

    return "\n".join(["/* generated by gen_cdef.py from %s; do not edit */" % header,
                      "/* system types */"] + prelude +
                     ["/* from the header */"] + defines + decls +
                     ["/* callback trampolines */"] + trampolines) + "\n"


def main(argv):
    args = argv[1:]
    cc = ["cc"]
    if "--" in args:
        i = args.index("--")
        args, cc = args[:i], args[i + 1:] or cc
    if len(args) != 1:
        sys.exit(__doc__.split("\n\n")[-1])
    sys.stdout.write(generate(args[0], cc))


if __name__ == "__main__":
    main(sys.argv)
