"""The hash chain: each seal's hash covers one event's stored content and the previous seal.

Pure functions over plain rows (dicts as the ORM's ``values()`` returns them), so the sealer,
the verifier and the migration that built the first seals hash exactly the same thing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The event's id is hashed with its content, so that moving a seal to another event (or
# swapping two events' seals) shows even where their content looked alike.
CHAINED_FIELDS = (
    "id", "uuid", "occurred_at", "actor_id", "actor_username", "role", "clinic_id",
    "patient_id", "action", "object_type", "object_id", "data_category", "source_address",
    "user_agent", "channel", "outcome", "detail",
)


def _canonical(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, bytes | str | int | float):
        return str(value)
    return value


def event_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    payload = {name: _canonical(fields.get(name)) for name in CHAINED_FIELDS}
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def verify_seals(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None]],
) -> ChainBreak | None:
    """Walk (seal, its event as stored) in chain order; return the first that does not fit.

    ``None`` for the event means the seal points at an event that is no longer there.
    """
    previous = GENESIS
    for position, (seal, event) in enumerate(pairs, start=1):
        if seal["position"] != position or seal["previous_hash"] != previous:
            return ChainBreak(seal["event_id"], "the previous-hash link does not match: a seal "
                                                "before it was removed, or this one was inserted")
        if event is None:
            return ChainBreak(seal["event_id"], "it was sealed and then removed")
        if event_hash(previous, event) != seal["hash"]:
            return ChainBreak(seal["event_id"], "its content does not match its seal: it was "
                                                "changed")
        previous = seal["hash"]
    return None
