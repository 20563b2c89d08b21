"""The worked examples on the instrument pages in docs/rules/ are run as doctests."""

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules"
PAGES = ["cows", "sows", "oows", "dsm5-oud", "phq9", "gad7", "auditc", "dast10"]


@pytest.mark.parametrize("page", PAGES)
def test_worked_examples_on_the_page_hold(page: str) -> None:
    outcome = doctest.testfile(
        str(DOCS / f"{page}.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert outcome.attempted > 0, f"{page}.md has no worked examples"
    assert outcome.failed == 0
