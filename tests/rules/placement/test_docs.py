"""The worked examples in docs/rules/placement.md run as tests."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules" / "placement.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_worked_examples_run():
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    examples = [b for b in blocks if "assert" in b]  # the first block is the API outline
    assert len(examples) == 4
    namespace: dict[str, object] = {}
    exec("\n".join(examples), namespace)
