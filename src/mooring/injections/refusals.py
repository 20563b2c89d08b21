"""Turn rules-core findings into errors that name the rule, the profile and its sources."""

from __future__ import annotations

from typing import Any

from mooring.core.errors import FieldProblem, ValidationFailed
from mooring.rules.common import Finding, refusals


class RuleRefused(ValidationFailed):
    """A rule refused the action; ``overridable`` says whether a prescriber's reason may allow it."""

    code = "rule_refused"

    def __init__(self, findings: tuple[Finding, ...], *, field: str | None = None, note: str = ""):
        self.findings = refusals(findings)
        self.overridable = bool(self.findings) and all(f.overridable for f in self.findings)
        super().__init__([problem(f, field, note) for f in self.findings])


def problem(finding: Finding, field: str | None, note: str = "") -> FieldProblem:
    sources = ", ".join(finding.evidence)
    message = (
        f"{finding.message}{note} [rule {finding.code}; profile {finding.profile}; "
        f"sources {sources}]"
    )
    return FieldProblem(field, finding.code, message)


def as_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
        "overridable": finding.overridable,
    }
