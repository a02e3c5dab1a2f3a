# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures for the pywireguard tests (run by `meson test --suite python`)."""
import errno
import os

import pytest

import pywireguard as wg

HEADER = os.environ.get("WG_HEADER") or os.path.join(
    os.path.dirname(__file__), "..", "..", "include", "wireguard.h")


def engine_available():
    try:
        wg.Engine().close()
        return True, ""
    except wg.WireGuardError as e:
        if e.errno == errno.EOPNOTSUPP:
            return False, "engine not built yet: " + e.strerror
        raise


@pytest.fixture
def need_engine():
    ok, why = engine_available()
    if not ok:
        pytest.skip(why)


def ipv4_packet(src: str, dst: str, payload: bytes, proto: int = 17) -> bytes:
    """A valid IPv4 packet (header checksum included)."""
    import ipaddress
    import struct
    total = 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, proto, 0,
                      ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:] + payload


def pytest_sessionfinish(session, exitstatus):
    """A file whose tests all skipped reports 77, which meson shows as SKIP."""
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if exitstatus == 0 and tr is not None:
        if tr.stats.get("skipped") and not tr.stats.get("passed"):
            session.exitstatus = 77
