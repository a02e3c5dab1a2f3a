#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""pywireguard in a page: keys, a configuration, and two engines talking.

    PYTHONPATH=build/bindings/python python3 examples/python/quickstart.py

Needs no root and no WireGuard kernel module.
"""
import struct
import sys

import pywireguard as wg
from pywireguard import Device, Engine, Key, Peer


def ipv4_udp(src: str, dst: str, payload: bytes) -> bytes:
    """A minimal IPv4/UDP packet (what a TUN device would hand us)."""
    import ipaddress
    udp = struct.pack("!HHHH", 4000, 4000, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed)
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    return hdr[:10] + struct.pack("!H", ~(s + (s >> 16)) & 0xFFFF) + hdr[12:] + udp


def main() -> int:
    # 1. Keys.  repr() of a private key never shows it; public keys are fine.
    alice, bob = Key.generate(), Key.generate()
    print("alice:", alice, "public", alice.public_key())
    print("bob:  ", bob, "public", bob.public_key())

    # 2. A configuration: the same model for kernel, userspace and engine.
    config = Device(name="wg0", private_key=alice, listen_port=51820,
                    peers=[Peer(bob.public_key(), endpoint="192.0.2.2:51820",
                                allowed_ips=["10.0.0.2/32"], persistent_keepalive_interval=25)])
    # As `wg showconf` prints it (the private key is in there: hide it here).
    text = wg.format_config(config)
    print("\n" + text.replace(alice.to_base64(), "(hidden)"))
    assert wg.parse_config(text).peers[0].public_key == bob.public_key()
    # wg.set_device(config) would apply it to a real device (needs root).

    # 3. Two in-process engines; we carry their datagrams by hand.
    try:
        a = Engine(config)
    except wg.WireGuardError as e:
        print("\nengine unavailable:", e.strerror)
        return 0
    b = Engine(Device(private_key=bob, peers=[Peer(alice.public_key(),
                                                   allowed_ips=["10.0.0.1/32"])]))
    with a, b:
        packet = ipv4_udp("10.0.0.1", "10.0.0.2", b"hello, bob")
        a.encrypt([packet])                    # waits for a handshake
        for _ in range(3):                     # initiation, response, data
            for data, _ in a.take_sent():
                got = b.decrypt([(data, "192.0.2.1:51820")])
                for r in got:
                    if r.status == wg.PacketStatus.DELIVER and r.data is not None:
                        print("\nbob received:", r.data[28:])
                        assert r.data == packet
            for data, _ in b.take_sent():
                a.decrypt([(data, "192.0.2.2:51820")])
        for event in a.events():
            print("alice event:", event.type.name, event.public_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
