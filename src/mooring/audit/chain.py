"""The hash chain: each event's hash covers its content and the previous event's hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "uuid", "occurred_at", "actor_id", "actor_username", "role", "clinic_id", "patient_id",
    "action", "object_type", "object_id", "data_category", "source_address", "user_agent",
    "channel", "outcome", "detail",
)


def _canonical(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, bytes | str | int | float):
        return str(value)
    return value


def event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    payload = {name: _canonical(fields.get(name)) for name in CHAINED_FIELDS}
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_rows(rows: Any) -> ChainBreak | None:
    """Walk events in id order and return the first that does not fit the chain."""
    previous = GENESIS
    for row in rows:
        if row["previous_hash"] != previous:
            return ChainBreak(row["id"], "the previous-hash link does not match: an event "
                                        "before it was removed, or this one was inserted")
        if event_hash(previous, row) != row["hash"]:
            return ChainBreak(row["id"], "its content does not match its hash: it was changed")
        previous = row["hash"]
    return None
