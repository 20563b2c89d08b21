"""The evidence registry: every source a rule, profile setting or plan element cites.

Sources are grouped by domain in the private modules beside this file so that each part of
the rules core keeps its own list; :data:`REGISTRY` merges them and refuses duplicate ids.
Ids match the source keys of ``shared/reference/clinical-rules.md`` (``S-...``) or name a
seed article (``SEED-000`` ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import RulesError


class Grade(StrEnum):
    PRIMARY = "primary"  # seen in the primary source itself
    SECONDARY = "secondary"  # seen only in a source that quotes the primary
    UNVERIFIED = "unverified"  # not seen in a copy; confirm before relying on it


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    version: str
    grade: Grade
    address: str = ""
    seed_file: str | None = None


class UnknownEvidenceError(RulesError):
    """A rule cited an id the registry does not hold."""


def _merge(groups: Iterable[Iterable[Source]]) -> Mapping[str, Source]:
    merged: dict[str, Source] = {}
    for group in groups:
        for source in group:
            if source.id in merged:
                raise RulesError(f"evidence id {source.id} is registered twice")
            merged[source.id] = source
    return MappingProxyType(merged)


def _load() -> Mapping[str, Source]:
    from mooring.rules.evidence import _general, _seeds

    groups = [_seeds.SOURCES, _general.SOURCES]
    for name in ("_instruments", "_medications", "_rewards_measures", "_care"):
        try:
            module = __import__(f"mooring.rules.evidence.{name}", fromlist=["SOURCES"])
        except ModuleNotFoundError:  # pragma: no cover - a domain not yet written
            continue
        groups.append(module.SOURCES)
    return _merge(groups)


REGISTRY: Mapping[str, Source] = _load()


def source(evidence_id: str) -> Source:
    try:
        return REGISTRY[evidence_id]
    except KeyError:
        raise UnknownEvidenceError(f"unknown evidence id {evidence_id!r}") from None


def cite(*evidence_ids: str) -> tuple[str, ...]:
    """Return the ids unchanged after checking each is registered (fails at import time)."""
    for evidence_id in evidence_ids:
        source(evidence_id)
    return evidence_ids
