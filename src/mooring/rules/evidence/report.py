"""Render the evidence registry as Markdown (``docs/rules/evidence.md`` is this output)."""

from __future__ import annotations

from collections.abc import Mapping

from mooring.rules.evidence import REGISTRY, Grade, Source

_GRADE_NOTE = {
    Grade.PRIMARY: "seen in a copy of the primary source",
    Grade.SECONDARY: "seen only in a source that quotes or summarises the primary",
    Grade.UNVERIFIED: "not seen in any copy: confirm before a clinic relies on it",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(item: Source) -> str:
    where = item.seed_file and f"seed `{item.seed_file}`" or item.address
    return (f"| `{item.id}` | {_cell(item.title)} | {_cell(item.version)} | {item.grade} "
            f"| {_cell(where)} |")


def evidence_markdown(registry: Mapping[str, Source] = REGISTRY) -> str:
    lines = [
        "# Evidence registry",
        "",
        "Every rule, profile setting and plan element in `mooring.rules` cites ids from this",
        "registry (`mooring.rules.evidence`). This page is generated from it by",
        "`python -m mooring.rules.evidence.report > docs/rules/evidence.md`; a test keeps the",
        "two in step.",
        "",
        "Grades:",
        "",
    ]
    lines += [f"- **{grade}**: {note}" for grade, note in _GRADE_NOTE.items()]
    lines += ["", "| id | source | version | grade | where |", "|---|---|---|---|---|"]
    lines += [_row(item) for item in sorted(registry.values(), key=lambda s: s.id)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a command-line entry point
    print(evidence_markdown(), end="")  # noqa: T201
