#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""examples/mesh-routes.c in Python, on asyncio: route each peer's allowed
IPs through the device once a handshake with it completes, withdraw them
when it goes silent or is removed (also by someone else with `wg set`).

    mesh_routes.py DEVICE [SILENT_AFTER_SECONDS]
"""
import asyncio
import datetime
import sys
from typing import Dict, Optional, Set

import pywireguard as wg


async def main(device: str, silent_after: float) -> None:
    routed: Dict[wg.PublicKey, Set[str]] = {}   # peer -> the prefixes we installed
    with wg.Netlink() as nl, wg.Watch([device], silent_after=silent_after) as watch:
        def route(prefix: str, add: bool) -> None:
            try:
                (nl.add_route if add else nl.delete_route)(device, prefix)
                print("route", "add" if add else "del", prefix, "dev", device, flush=True)
            except (FileExistsError, ProcessLookupError, wg.WireGuardError) as e:
                print("mesh_routes:", e, file=sys.stderr)

        def withdraw(peer: Optional[wg.PublicKey]) -> None:
            for prefix in routed.pop(peer, set()) if peer is not None else ():
                route(prefix, False)

        def install(peer: wg.Peer) -> None:
            routed[peer.public_key] = {str(a) for a in peer.allowed_ips}
            for prefix in routed[peer.public_key]:
                route(prefix, True)

        # The watch reports changes from now on: peers already talking get
        # their routes from the device's current state.
        now = datetime.datetime.now(datetime.timezone.utc)
        for peer in wg.get_device(device).peers:
            t = peer.last_handshake_time
            if t is not None and (now - t).total_seconds() < silent_after:
                install(peer)

        async for ev in watch:        # the watch's fd in asyncio's loop: no thread
            if ev.kind in ("handshake", "active") and ev.peer not in routed:
                found = next((p for p in wg.get_device(device).peers if p.public_key == ev.peer), None)
                if found is not None:
                    install(found)
            elif ev.kind in ("silent", "peer-removed"):
                withdraw(ev.peer)
            elif ev.kind == "allowed-ip-added" and ev.peer is not None and ev.peer in routed:
                routed[ev.peer].add(ev.after)
                route(ev.after, True)
            elif ev.kind == "allowed-ip-removed" and ev.peer is not None and ev.peer in routed:
                routed[ev.peer].discard(ev.before)
                route(ev.before, False)
            elif ev.kind in ("overflow", "device-removed"):
                for key in list(routed):
                    withdraw(key)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    try:
        asyncio.run(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 135.0))
    except KeyboardInterrupt:
        pass
