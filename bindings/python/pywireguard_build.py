# SPDX-License-Identifier: LGPL-2.1-or-later
"""cffi_modules entry for setup.py: link an existing libwireguard via pkg-config.

pip install does not compile the C library: it links the libwireguard that
pkg-config finds (module "libwireguard" or "wireguard"), and generates the
cdef from the wireguard.h in that module's include path.  To build against
an uninstalled meson build tree:

    PKG_CONFIG_PATH=$PWD/build/meson-uninstalled pip install ./bindings/python

A library outside the linker's default path gets an rpath, so the module
finds the library it was built with.
"""
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_ffi  # noqa: E402

SYSTEM_LIBDIRS = {"/usr/lib", "/lib", "/usr/lib64", "/lib64",
                  "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu"}


def pkg_config(*args):
    for module in ("libwireguard", "wireguard"):
        try:
            out = subprocess.run(["pkg-config", *args, module], check=True, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            return shlex.split(out)
        except (OSError, subprocess.CalledProcessError):
            continue
    raise SystemExit("pywireguard: pkg-config finds no libwireguard; install the library "
                     "(meson install) or set PKG_CONFIG_PATH to BUILD/meson-uninstalled")


include_dirs = [f[2:] for f in pkg_config("--cflags-only-I")]
library_dirs = [f[2:] for f in pkg_config("--libs-only-L")]
libraries = [f[2:] for f in pkg_config("--libs-only-l")]
header = next((os.path.join(d, "wireguard.h") for d in include_dirs
               if os.path.exists(os.path.join(d, "wireguard.h"))), None)
if header is None:
    for d in ("/usr/local/include", "/usr/include"):
        if os.path.exists(os.path.join(d, "wireguard.h")):
            header = os.path.join(d, "wireguard.h")
            break
if header is None:
    raise SystemExit("pywireguard: wireguard.h not found in pkg-config's include path")

ffibuilder = build_ffi.make_builder(
    header, shlex.split(os.environ.get("CC", "cc")),
    include_dirs=include_dirs, library_dirs=library_dirs, libraries=libraries,
    runtime_library_dirs=[d for d in library_dirs if os.path.realpath(d) not in SYSTEM_LIBDIRS])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
