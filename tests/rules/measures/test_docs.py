"""The worked examples on the measure pages in docs/rules/ run as doctests."""

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules"
PAGES = ["measure-pod", "measure-iet", "measure-retention"]


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
