"""The worked examples in docs/rules/personalised-plan.md run as tests."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules" / "personalised-plan.md"


def test_worked_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    examples = [b for b in blocks if "assert" in b]  # the first block is the API outline
    assert len(examples) == 4
    namespace: dict[str, object] = {}
    exec("\n".join(examples), namespace)
