#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The cheap half of the Debian packaging check, run by CI every time (the
package build itself is tools/build-debs.sh, a few minutes):

    check-debian.py BUILD_DIR SOURCE_ROOT

- every file meson installs is claimed by one debian/*.install line, and
  every line claims something (dh_missing would fail the build otherwise);
- debian/changelog's version is meson's project version;
- the build-dependencies are installed (dpkg-checkbuilddeps): the packages
  tools/install-deps.sh installs cover debian/control.
"""
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys

build, src = sys.argv[1], sys.argv[2]
fail = []
info = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", build],
                                 check=True, capture_output=True, text=True).stdout)
opts = {o["name"]: o["value"] for o in info}
prefix = opts["prefix"]
installed = json.loads(subprocess.run(["meson", "introspect", "--installed", build],
                                      check=True, capture_output=True, text=True).stdout)
multiarch = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], check=True,
                           capture_output=True, text=True).stdout.strip()


def as_debian(path):
    """Where debian/rules' meson configuration puts what this build installs
    at path: prefix /usr, Python in dist-packages, systemd units in /lib."""
    if path.startswith(prefix + "/"):
        path = "/usr" + path[len(prefix):]
    path = re.sub(r"^/usr/(local/)?lib/python3[.0-9]*/(site|dist)-packages/",
                  "/usr/lib/python3/dist-packages/", path)
    return path.lstrip("/")


# The API reference is not packaged (debian/rules configures -Ddocs=false).
files = sorted(as_debian(p) for p in installed.values()
               if "/share/doc/libwireguard/html" not in p)
lines = []
for f in glob.glob(os.path.join(src, "debian", "*.install")):
    for line in open(f, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append((os.path.basename(f), line.replace("${DEB_HOST_MULTIARCH}", multiarch)))


def claims(pattern, path):
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*")


for path in files:
    owners = [f for f, pat in lines if claims(pat, path)]
    if len(owners) != 1:
        fail.append(f"{path}: claimed by {owners or 'no debian/*.install line'}")
for f, pat in lines:
    if not any(claims(pat, p) for p in files):
        fail.append(f"debian/{f}: {pat} matches nothing meson installs")

changelog = subprocess.run(["dpkg-parsechangelog", "-l", os.path.join(src, "debian", "changelog"),
                            "-S", "Version"], check=True, capture_output=True, text=True).stdout.strip()
project = json.loads(subprocess.run(["meson", "introspect", "--projectinfo", build], check=True,
                                    capture_output=True, text=True).stdout)["version"]
if changelog.split("-")[0] != project:
    fail.append(f"debian/changelog says {changelog}, meson.build {project}")

deps = subprocess.run(["dpkg-checkbuilddeps"], cwd=src, capture_output=True, text=True)
if deps.returncode != 0:
    fail.append("dpkg-checkbuilddeps: " + (deps.stderr or deps.stdout).strip()
                + " (add them to tools/install-deps.sh)")

for f in fail:
    print("FAIL:", f)
print(f"{len(files)} installed files claimed by {len(lines)} debian/*.install lines;",
      "ok" if not fail else f"{len(fail)} problems")
sys.exit(1 if fail else 0)
