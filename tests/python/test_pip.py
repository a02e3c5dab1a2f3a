# SPDX-License-Identifier: LGPL-2.1-or-later
"""`pip install ./bindings/python` builds a working module offline.

pip links the libwireguard that pkg-config finds; here that is this build
tree's, through meson's uninstalled .pc file.
"""
import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

SRC = os.environ.get("WG_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("WG_BUILD_ROOT", "")


def test_pip_install_offline(tmp_path):
    for mod in ("pip", "setuptools", "wheel", "cffi"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip("%s not installed for %s" % (mod, sys.executable))
    if not shutil.which("pkg-config"):
        pytest.skip("pkg-config not installed")
    uninstalled = os.path.join(BUILD, "meson-uninstalled")
    if not os.path.isdir(uninstalled):
        pytest.skip("no meson build tree given (WG_BUILD_ROOT)")
    # Build from a copy: an in-tree build would leave files in the sources.
    src = tmp_path / "src"
    shutil.copytree(os.path.join(SRC, "bindings", "python"), src,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    env = dict(os.environ, PKG_CONFIG_PATH=uninstalled, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                        "--no-index", "--no-deps", "--target", str(target), str(src)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    check = ("import pywireguard as w, sys; k = w.Key.generate(); "
             "assert w.Key.from_base64(k.to_base64()) == k; "
             "assert hasattr(w.lib, 'wg_engine_new'); print(w.__file__)")
    env["PYTHONPATH"] = str(target)
    env.pop("LD_LIBRARY_PATH", None)  # the rpath must find the library
    r = subprocess.run([sys.executable, "-c", check], env=env, cwd=str(tmp_path),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith(str(target))
