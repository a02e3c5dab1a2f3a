# SPDX-License-Identifier: LGPL-2.1-or-later
"""The library's log reaches Python callbacks and the logging module."""
import logging

import pytest

import pywireguard as wg

# A config whose AllowedIPs has host bits: the parser logs that at INFO.
TEXT = "[Peer]\nPublicKey = %s\nAllowedIPs = 10.1.2.3/8\n" % wg.Key.generate().public_key()


@pytest.fixture(autouse=True)
def no_callback_after():
    yield
    wg.set_log_callback(None)


def test_callback_receives_library_log():
    lines = []
    wg.set_log_callback(lambda level, msg: lines.append((level, msg)), wg.lib.WG_LOG_INFO)
    wg.parse_config(TEXT)
    if not lines:
        pytest.skip("this libwireguard's parser logs nothing for host bits")
    assert any(level == wg.lib.WG_LOG_INFO and "10.1.2.3" in msg for level, msg in lines), lines


def test_levels_filter_and_uninstall():
    lines = []
    wg.set_log_callback(lambda level, msg: lines.append(msg), wg.lib.WG_LOG_ERROR)
    wg.parse_config(TEXT)
    assert lines == []  # INFO is above ERROR
    wg.set_log_callback(None)
    wg.parse_config(TEXT)
    assert lines == []


def test_callback_exception_does_not_crash():
    def boom(level, msg):
        raise RuntimeError("ignored")
    wg.set_log_callback(boom, wg.lib.WG_LOG_DEBUG)
    assert wg.parse_config(TEXT).peers


def test_log_to_logging(caplog):
    wg.log_to_logging(logging.getLogger("wireguard.test"))
    with caplog.at_level(logging.INFO, logger="wireguard.test"):
        wg.parse_config(TEXT)
    msgs = [r.getMessage() for r in caplog.records if r.name == "wireguard.test"]
    if not msgs:
        pytest.skip("this libwireguard's parser logs nothing for host bits")
    assert any("10.1.2.3" in m for m in msgs)
