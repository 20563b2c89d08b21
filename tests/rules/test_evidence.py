"""The evidence registry: ids resolve, grades are honest, the published page is current."""

from pathlib import Path

import pytest

from mooring.rules.common import RulesError
from mooring.rules.evidence import REGISTRY, Grade, Source, UnknownEvidenceError, _merge, cite
from mooring.rules.evidence.report import evidence_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules" / "evidence.md"


def test_cite_returns_known_ids_and_refuses_unknown_ones() -> None:
    assert cite("SEED-002", "S-GOVREGS-812") == ("SEED-002", "S-GOVREGS-812")
    with pytest.raises(UnknownEvidenceError):
        cite("S-NOT-A-SOURCE")


def test_every_seed_article_is_registered_with_its_file() -> None:
    seeds = [s for s in REGISTRY.values() if s.id.startswith("SEED-")]
    assert len(seeds) == 5
    assert all(s.seed_file and s.seed_file.endswith(".txt") for s in seeds)


def test_a_duplicate_id_is_refused() -> None:
    one = Source("S-X", "x", "1", Grade.PRIMARY)
    with pytest.raises(RulesError, match="registered twice"):
        _merge([[one], [one]])


def test_the_published_page_matches_the_registry() -> None:
    assert DOC.read_text() == evidence_markdown(), (
        "docs/rules/evidence.md is stale: run "
        "`python -m mooring.rules.evidence.report > docs/rules/evidence.md`")
