# SPDX-License-Identifier: LGPL-2.1-or-later
"""pywireguard.Netlink on a network namespace made for the test; ip(8) checks."""
import errno
import json
import os
import shutil
import subprocess

import pytest

import pywireguard as wg

pytestmark = pytest.mark.skipif(not hasattr(wg.lib, "wg_netlink_open"),
                                reason="netlink handle API not in this libwireguard yet")


@pytest.fixture
def netns():
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("needs root and ip(8)")
    ns = "pywgn%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "-n", ns, "link", "add", "pyva", "type", "veth", "peer", "name",
                        "pyvb"], check=True)
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def ipj(ns, *args):
    out = subprocess.run(["ip", "-n", ns, "-j", *args], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out or "[]")


def errno_of(call):
    with pytest.raises(wg.WireGuardError) as e:
        call()
    return e.value.errno


def test_links_addresses_routes(netns):
    with wg.Netlink("/run/netns/" + netns) as nl:
        nl.set_mtu("pyva", 1300)
        nl.set_up("pyva")
        nl.set_up("pyvb")
        (link,) = ipj(netns, "link", "show", "pyva")
        assert link["mtu"] == 1300 and "UP" in link["flags"]
        nl.add_address("pyva", "10.198.0.1/24")
        nl.add_address("pyva", "fd98::1/64")
        addrs = {(a["local"], a["prefixlen"]) for a in ipj(netns, "addr", "show", "pyva")[0]
                 ["addr_info"]}
        assert {("10.198.0.1", 24), ("fd98::1", 64)} <= addrs
        assert errno_of(lambda: nl.add_address("pyva", "10.198.0.1/24")) == errno.EEXIST
        nl.add_route("pyva", "10.197.0.0/16")
        nl.add_route("pyva", "fd97::/48", table=100)
        assert any(r["dst"] == "10.197.0.0/16" for r in ipj(netns, "route", "show"))
        assert any(r["dst"] == "fd97::/48" for r in ipj(netns, "-6", "route", "show",
                                                         "table", "100"))
        nl.delete_route("pyva", "10.197.0.0/16")
        nl.delete_route("pyva", "fd97::/48", table=100)
        assert errno_of(lambda: nl.delete_route("pyva", "10.197.0.0/16")) == errno.ESRCH
        nl.delete_address("pyva", "10.198.0.1/24")
        assert errno_of(lambda: nl.delete_address("pyva", "10.198.0.1/24")) == \
            errno.EADDRNOTAVAIL
        nl.set_up("pyva", False)
        assert "UP" not in ipj(netns, "link", "show", "pyva")[0]["flags"]
        # A missing link is ENODEV, also a FileNotFoundError.
        with pytest.raises(FileNotFoundError) as e:
            nl.set_up("pymissing")
        assert e.value.errno == errno.ENODEV
    # Nothing of this happened in our own namespace.
    assert subprocess.run(["ip", "link", "show", "pyva"], capture_output=True).returncode != 0


def test_wireguard_devices_in_a_namespace(netns):
    with wg.Netlink("/run/netns/" + netns) as nl:
        # A veth is not WireGuard: refused and left alone.
        assert errno_of(lambda: nl.get_device("pyva")) == errno.EOPNOTSUPP
        assert errno_of(lambda: nl.delete_device("pyva")) == errno.EOPNOTSUPP
        assert ipj(netns, "link", "show", "pyva")
        try:
            nl.add_device("wgpyk0")
        except wg.WireGuardError as e:
            assert e.errno == errno.EOPNOTSUPP, e
            pytest.skip("the kernel has no WireGuard: " + e.strerror)
        assert nl.list_devices() == ["wgpyk0"]
        priv = wg.Key.generate()
        peer = wg.Key.generate().public_key()
        nl.set_device(wg.Device(name="wgpyk0", private_key=priv, listen_port=51777,
                                peers=[wg.Peer(peer, allowed_ips=["10.5.0.0/16"])]))
        d = nl.get_device("wgpyk0")
        assert d.private_key == priv and d.listen_port == 51777
        assert nl.get_device(d.ifindex).private_key == priv
        nl.delete_device("wgpyk0")
        assert nl.list_devices() == []


def test_bad_namespace_fd():
    fd = os.open("/", os.O_RDONLY)
    try:
        with pytest.raises(wg.WireGuardError) as e:
            wg.Netlink(fd)
        assert e.value.errno in (errno.EINVAL, errno.EBADF)
    finally:
        os.close(fd)
