# SPDX-License-Identifier: LGPL-2.1-or-later
"""The sdist (bindings/python/sdist.py) is self-contained: pip builds it,
C library included, with nothing from this tree reachable."""
import glob
import os

from pytools import SRC, clean_env, python, run


def test_sdist_builds_and_bundles(tmp_path):
    py = python()
    out = run([py, os.path.join(SRC, "bindings", "python", "sdist.py"), str(tmp_path / "dist")])
    sdists = glob.glob(str(tmp_path / "dist" / "libwireguard-*.tar.gz"))
    assert sdists and out.strip() == sdists[0]
    run([py, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
         "-Cbuild-dir=%s" % (tmp_path / "build"), "--target", str(tmp_path / "site"), sdists[0]])
    check = ("import pywireguard as w; k = w.Key.generate(); assert w.Key(str(k.public_key())) == k.public_key(); "
             "assert 'libwireguard.so' not in open('/proc/self/maps').read(); print(w.__file__)")
    got = run([py, "-c", check], env=clean_env(PYTHONPATH=str(tmp_path / "site")), cwd=str(tmp_path))
    assert got.strip().startswith(str(tmp_path / "site"))
