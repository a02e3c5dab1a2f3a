# SPDX-License-Identifier: LGPL-2.1-or-later
"""The compiled module reaches everything the header declares (no drift)."""
import os
import re
import sys

import cffi
import pytest

import pywireguard as wg
from conftest import HEADER

sys.path.insert(0, os.path.join(os.path.dirname(HEADER), "..", "bindings", "python"))
import gen_cdef  # noqa: E402


def header_text():
    with open(HEADER) as f:
        return f.read()


def header_functions():
    # Independent of gen_cdef: the same rule as tests/unit/check-symbols.sh.
    names = set()
    for line in header_text().splitlines():
        if re.match(r"^\s*(/?\*|typedef|#)", line):
            continue
        names.update(re.findall(r"\b(wg_[a-z0-9_]+)\(", line))
    return sorted(names)


def header_constants():
    text = re.sub(r"/\*.*?\*/", "", header_text(), flags=re.S)
    consts = set()
    for body in re.findall(r"\benum\s+\w*\s*\{(.*?)\}", text, re.S):
        consts.update(re.findall(r"\b([A-Z][A-Z0-9_]+)\s*(?:=|,|$)", body))
    consts.update(re.findall(r"^#define\s+(WG[A-Z0-9_]*)\s+\(?-?\d", text, re.M))
    return sorted(consts)


def test_header_has_functions():
    assert len(header_functions()) >= 20


@pytest.mark.parametrize("name", header_functions())
def test_function_reachable(name):
    assert hasattr(wg.lib, name), "%s is declared in wireguard.h but not in the module" % name
    assert "function" in repr(getattr(wg.lib, name)) or callable(getattr(wg.lib, name))


@pytest.mark.parametrize("name", header_constants())
def test_constant_reachable(name):
    assert isinstance(getattr(wg.lib, name), int)


def test_packet_room_matches_header():
    text = header_text()
    assert wg.HEADROOM == int(re.search(r"#define WG_PACKET_HEADROOM (\d+)", text).group(1))
    assert wg.TAILROOM == int(re.search(r"#define WG_PACKET_TAILROOM (\d+)", text).group(1))


def test_struct_layout_from_c():
    # API mode takes sizes from the C compiler: these are the C sizes.
    ffi = wg.ffi
    assert ffi.sizeof("wg_key") == 32
    assert ffi.sizeof("wg_key_b64_string") == 45
    assert ffi.sizeof("wg_key_hex_string") == 65
    assert ffi.sizeof("wg_endpoint") == 28
    assert ffi.sizeof("struct wg_engine_options") >= 8 * 7


def test_generator_handles_constructs_the_header_may_grow(tmp_path):
    """Things cffi's parser cannot take directly are rewritten, not dropped."""
    h = tmp_path / "wireguard.h"
    h.write_text("""
#include <stdio.h>
#include <stdint.h>
#include <sys/stat.h>
#include <netinet/in.h>
#define WG_SOME_LIMIT (1U << 4)
#define WG_STRING "no"
#define wg_macro(x) ((x) + 1)
typedef uint8_t wg_key[32];
typedef char wg_b64[((sizeof(wg_key) + 2) / 3) * 4 + 1];
struct wg_x { __extension__ union { struct in6_addr a; uint32_t b; }; struct stat st; };
int wg_parse_file(FILE *f, struct wg_x **out) __attribute__((warn_unused_result));
int wg_mode(mode_t m, pid_t *restrict p);
static inline int wg_helper(int x) { return x + 1; }
typedef void wg_cb_fn(int v, void *ctx);
typedef int (*wg_ptr_cb)(const char *s, void *ctx);
int wg_after_inline(void);
""")
    cdef = gen_cdef.generate(str(h))
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    for name in ("wg_parse_file", "wg_mode", "wg_after_inline", "_pywg_wg_cb_fn",
                 "extern \"Python\" int _pywg_wg_ptr_cb(const char *s, void *ctx);"):
        assert name in cdef
    assert "wg_helper" not in cdef
    assert "#define WG_SOME_LIMIT ..." in cdef
    assert "WG_STRING" not in cdef and "wg_macro" not in cdef
    assert "typedef int... mode_t;" in cdef and "typedef int... pid_t;" in cdef
    assert "struct stat { ...; };" in cdef


@pytest.mark.parametrize("enum_name,prefix", [("PacketStatus", "WG_PACKET_"), ("DropReason", "WG_DROP_"),
                                              ("EventType", "WG_EVENT_")])
def test_enums_declare_every_header_value(enum_name, prefix):
    """The enums are declared member by member (pywireguard/enums.py): a
    value added to the header must be added there too."""
    cls = getattr(wg, enum_name)
    values = {n[len(prefix):]: v for n, v in header_enum_values(prefix).items()
              if n not in ("WG_PACKET_HEADROOM", "WG_PACKET_TAILROOM")}
    assert values, prefix
    assert {m.name: int(m) for m in cls} == values


def header_enum_values(prefix):
    return {n: getattr(wg.lib, n) for n in header_constants() if n.startswith(prefix)}
