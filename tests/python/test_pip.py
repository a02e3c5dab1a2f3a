# SPDX-License-Identifier: LGPL-2.1-or-later
"""`pip install ./bindings/python -Csetup-args=-Dlibwireguard=system` links the
libwireguard pkg-config finds (here this build tree's, through meson's
uninstalled .pc file) instead of bundling one, and leaves the sources clean."""
import os

import pytest

from pytools import BUILD, SRC, clean_env, python, run, source_state


def test_pip_install_system_library(tmp_path):
    py = python()
    uninstalled = os.path.join(BUILD, "meson-uninstalled")
    if not os.path.isdir(uninstalled):
        pytest.skip("no meson build tree given (WG_BUILD_ROOT)")
    before = source_state()
    target = tmp_path / "site"
    run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
         "-Csetup-args=-Dlibwireguard=system", "-Cbuild-dir=%s" % (tmp_path / "build"), "--target", str(target), os.path.join(SRC, "bindings", "python")],
        env=clean_env(PKG_CONFIG_PATH=uninstalled))
    assert source_state() == before, "the build left files in bindings/python"
    libdir = os.path.realpath(os.path.join(BUILD, "lib"))
    check = ("import pywireguard as w; k = w.Key.generate(); "
             "assert w.Key.from_base64(k.to_base64()) == k; "
             "maps = open('/proc/self/maps').read(); "
             "assert %r in maps, 'not the system library'; print(w.__file__)" % (libdir + "/libwireguard.so"))
    out = run([py, "-c", check], env=clean_env(PYTHONPATH=str(target), LD_LIBRARY_PATH=libdir), cwd=str(tmp_path))
    assert out.strip().startswith(str(target))
