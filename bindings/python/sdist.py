#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Make the sdist of the Python distribution "libwireguard".

meson-python's own sdist (`meson dist`) needs the meson project at the top
of a git repository; bindings/python is not, and its subproject
subprojects/libwireguard is a symlink to the top of the tree.  This packs
what git tracks of bindings/python and, as a real directory in place of the
symlink, what the library's build needs (meson files, include/, lib/, the
licence), with PKG-INFO from pyproject.toml.  `pip install` of the result
builds like `pip install ./bindings/python`.

    python3 bindings/python/sdist.py OUTDIR      # prints the tarball's path
"""
import io
import os
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
# What the library's meson build reads when it is a subproject.
LIBRARY_PATHS = ["meson.build", "meson_options.txt", "include", "lib", "COPYING", "LICENSES"]


def tracked(*paths):
    out = subprocess.run(["git", "-C", TOP, "ls-files", "-z", "--", *paths],
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    return [p for p in out.split("\0") if p]


def pkg_info(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + project["version"],
             "Summary: " + project["description"], "License: " + project["license"]["text"],
             "Requires-Python: " + project["requires-python"]]
    lines += ["Requires-Dist: " + d for d in project.get("dependencies", [])]
    lines += ["Classifier: " + c for c in project.get("classifiers", [])]
    with open(os.path.join(HERE, project["readme"])) as f:
        lines += ["Description-Content-Type: text/markdown", "", f.read()]
    return "\n".join(lines).encode()


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    import tomllib  # Python 3.11+
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    base = "%s-%s" % (project["name"], project["version"])
    out = os.path.join(argv[1], base + ".tar.gz")
    os.makedirs(argv[1], exist_ok=True)
    files = {}
    for p in tracked("bindings/python"):
        rel = os.path.relpath(p, "bindings/python")
        if not rel.startswith("subprojects" + os.sep):
            files[rel] = p
    for p in tracked(*LIBRARY_PATHS):
        files[os.path.join("subprojects", "libwireguard", p)] = p
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(name, data, mode=0o644):
            info = tarfile.TarInfo(base + "/" + name)
            info.size, info.mtime, info.mode = len(data), mtime, mode
            tar.addfile(info, io.BytesIO(data))
        add("PKG-INFO", pkg_info(project))
        for rel in sorted(files):
            path = os.path.join(TOP, files[rel])
            with open(path, "rb") as f:
                add(rel, f.read(), 0o755 if os.access(path, os.X_OK) else 0o644)
    print(out)


if __name__ == "__main__":
    main(sys.argv)
