"""Record ids: UUIDv7 hex, unique across offline copies, ordered by creation time."""

from __future__ import annotations

import re
import time
import uuid

from app.domain.ids import new_id


def test_new_id_is_a_uuid7_in_32_hex_characters():
    """Ids fit the 32-character key columns and are valid RFC 9562 version-7 UUIDs."""
    value = new_id()
    assert re.fullmatch(r"[0-9a-f]{32}", value)
    parsed = uuid.UUID(hex=value)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_new_id_carries_the_creation_time_in_milliseconds():
    """Ids are time-ordered: the first 48 bits are Unix milliseconds."""
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= int(value[:12], 16) <= after


def test_new_ids_are_unique():
    """Two laptops (or one fast loop) never mint the same id."""
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)


def test_new_ids_sort_by_creation_time_across_milliseconds():
    """B-tree inserts stay local: a later id sorts after an earlier one."""
    first = new_id()
    time.sleep(0.003)
    assert new_id() > first
