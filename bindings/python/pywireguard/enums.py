# SPDX-License-Identifier: LGPL-2.1-or-later
"""The header's enums as Python enums, each member declared (so that type
checkers and readers see them); tests/python/test_cdef.py fails when the
header gains a value that is not here."""
from __future__ import annotations

import enum

from ._wireguard import lib

__all__ = ["PacketStatus", "DropReason", "EventType"]


class PacketStatus(enum.IntEnum):
    """enum wg_packet_status: what became of a packet in a batch."""

    DROP = lib.WG_PACKET_DROP
    SEND = lib.WG_PACKET_SEND
    DELIVER = lib.WG_PACKET_DELIVER
    CONSUMED = lib.WG_PACKET_CONSUMED


class DropReason(enum.IntEnum):
    """enum wg_drop_reason: why a packet was dropped."""

    NONE = lib.WG_DROP_NONE
    NO_PEER = lib.WG_DROP_NO_PEER
    NO_ROOM = lib.WG_DROP_NO_ROOM
    MALFORMED = lib.WG_DROP_MALFORMED
    UNKNOWN_INDEX = lib.WG_DROP_UNKNOWN_INDEX
    AUTH = lib.WG_DROP_AUTH
    REPLAY = lib.WG_DROP_REPLAY
    SOURCE = lib.WG_DROP_SOURCE
    EXPIRED = lib.WG_DROP_EXPIRED
    RATELIMIT = lib.WG_DROP_RATELIMIT
    QUEUE_FULL = lib.WG_DROP_QUEUE_FULL
    NO_KEY = lib.WG_DROP_NO_KEY
    NO_ENDPOINT = lib.WG_DROP_NO_ENDPOINT


class EventType(enum.IntEnum):
    """enum wg_event_type: what an Event reports."""

    HANDSHAKE_COMPLETE = lib.WG_EVENT_HANDSHAKE_COMPLETE
    SESSION_EXPIRED = lib.WG_EVENT_SESSION_EXPIRED
    ENDPOINT_CHANGED = lib.WG_EVENT_ENDPOINT_CHANGED
    PEER_UNREACHABLE = lib.WG_EVENT_PEER_UNREACHABLE
