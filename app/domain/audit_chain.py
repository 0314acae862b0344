"""The audit hash chain: each record's hash covers its content and the previous hash, so an
edited, inserted or deleted record breaks the chain from that point on."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "event", "merchant", "before",
          "after")


def record_hash(prev_hash: str, record: dict[str, object]) -> str:
    """SHA-256 (hex) over `prev_hash` and the record's fields in a canonical JSON form. The
    table digests (`state`, since schema 3) count only where a record has them, so the hashes
    of earlier records stay what they were."""
    body = {key: _plain(record.get(key)) for key in FIELDS}
    if record.get("state") is not None:
        body["state"] = record["state"]
    text = prev_hash + json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value
