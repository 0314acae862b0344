"""Record ids that stay unique across copies of the database (offline laptops merge back).

UUIDv7 (RFC 9562): 48-bit Unix milliseconds + random bits, as 32 hex chars. Time-ordered, so
b-tree inserts stay local; random, so two laptops never mint the same id.
"""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """A fresh UUIDv7 as 32 lower-case hex characters."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & (2**48 - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & (2**62 - 1)
    return uuid.UUID(int=value).hex
