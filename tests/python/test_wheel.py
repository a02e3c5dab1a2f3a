# SPDX-License-Identifier: LGPL-2.1-or-later
"""The wheel pip builds from bindings/python carries the C library: it passes
auditwheel for a manylinux tag and runs in a clean virtual environment on a
machine without libwireguard (nothing of this build tree is reachable)."""
import glob
import os
import sys

from pytools import SRC, WHEELHOUSE, clean_env, python, run, source_state, tool

CHECK = r"""
import pywireguard as wg, sys
k = wg.Key.generate()
assert wg.Key.from_base64(str(k.public_key())) == k.public_key()
assert hasattr(wg.lib, "wg_engine_new")
maps = open("/proc/self/maps").read()
assert "libwireguard.so" not in maps, "a shared libwireguard was loaded"
print(wg.__file__)
"""


def test_wheel_bundles_the_library(tmp_path):
    py = python()
    before = source_state()
    run([py, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w", str(tmp_path / "raw"),
         os.path.join(SRC, "bindings", "python")])
    assert source_state() == before, "the build left files in bindings/python"
    raw = glob.glob(str(tmp_path / "raw" / "libwireguard-*.whl"))
    assert len(raw) == 1, raw

    # auditwheel grafts libmnl, libcrypto and libbearssl in, as wheels do.
    run([tool("auditwheel"), "repair", "-w", str(tmp_path / "fixed"), raw[0]])
    fixed = glob.glob(str(tmp_path / "fixed" / "libwireguard-*manylinux*.whl"))
    assert len(fixed) == 1, fixed
    shown = run([tool("auditwheel"), "show", fixed[0]])
    assert 'consistent\nwith the following platform tag: "manylinux_' in shown or \
        'consistent with the following platform tag: "manylinux_' in shown, shown

    # A clean environment: no system site-packages; cffi from local wheels.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    vpy = str(venv / "bin" / "python")
    run([vpy, "-m", "pip", "install", "--no-index", "--find-links", WHEELHOUSE, fixed[0]])
    env = clean_env()
    out = run([vpy, "-c", CHECK], env=env, cwd=str(tmp_path))
    assert out.strip().startswith(str(venv)), out
    # The README's quickstart, as a user would run it.
    out = run([vpy, os.path.join(SRC, "examples", "python", "quickstart.py")], env=env, cwd=str(tmp_path))
    assert out
