# SPDX-License-Identifier: LGPL-2.1-or-later
"""The type hints are true: the Python in the READMEs and in
examples/python passes `mypy --strict` against the package's annotations
(the package seen as an installed, typed package: py.typed)."""
import glob
import os
import re

import pytest

from pytools import SRC, clean_env, python, run, tool

PKG = os.path.abspath(os.environ["PYTHONPATH"]) if os.environ.get("PYTHONPATH") else ""
CONFIG = """[mypy]
strict = True
[mypy-pywireguard.*]
follow_imports = silent
"""


def snippets():
    """(name, code) of every ```python block of the READMEs."""
    out = []
    for readme in ("README.md", "bindings/python/README.md"):
        with open(os.path.join(SRC, readme)) as f:
            text = f.read()
        for i, code in enumerate(re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)):
            out.append(("%s_%d.py" % (readme.replace("/", "_").replace(".md", ""), i), code))
    return out


def test_there_is_something_to_check():
    assert len(snippets()) >= 2
    assert glob.glob(os.path.join(SRC, "examples", "python", "*.py"))


def test_mypy_strict(tmp_path):
    python()
    if not PKG:
        pytest.skip("PYTHONPATH does not lead to the built package")
    files = sorted(glob.glob(os.path.join(SRC, "examples", "python", "*.py")))
    for name, code in snippets():
        (tmp_path / name).write_text(code)
        files.append(str(tmp_path / name))
    (tmp_path / "mypy.ini").write_text(CONFIG)
    run([tool("mypy"), "--config-file", str(tmp_path / "mypy.ini"), "--no-incremental",
         "--cache-dir", os.devnull] + files,
        env=clean_env(MYPYPATH=PKG), cwd=str(tmp_path))
