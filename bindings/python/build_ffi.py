#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The cffi builder of pywireguard._wireguard (out-of-line API mode).

meson runs this as a script to emit the module's C source, which it then
compiles and links against the libwireguard it just built; setup.py imports
make_builder() to let setuptools compile and link it (see setup.py).

Usage: build_ffi.py OUTPUT.c HEADER [-- CC [ARGS...]]
"""
import os
import sys

import cffi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cdef  # noqa: E402

MODULE = "pywireguard._wireguard"


def make_builder(header, cc=("cc",), **kwargs):
    """An FFI builder whose cdef is generated from header."""
    ffibuilder = cffi.FFI()
    ffibuilder.cdef(gen_cdef.generate(header, cc))
    ffibuilder.set_source(MODULE, "#include <stdlib.h>\n#include <wireguard.h>\n", **kwargs)
    return ffibuilder


def main(argv):
    args = argv[1:]
    cc = ["cc"]
    if "--" in args:
        i = args.index("--")
        args, cc = args[:i], args[i + 1:] or cc
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[-1])
    output, header = args
    make_builder(header, cc).emit_c_code(output)


if __name__ == "__main__":
    main(sys.argv)
