# SPDX-License-Identifier: LGPL-2.1-or-later
# Metadata is in pyproject.toml; this only wires up the cffi extension.
from setuptools import setup

setup(
    packages=["pywireguard"],
    package_data={"pywireguard": ["py.typed"]},
    cffi_modules=["pywireguard_build.py:ffibuilder"],
)
