"""Shared result and error types for the rules core.

Every rule explains itself with :class:`Finding` rows: which rule spoke, how strongly,
under which protocol profile, and which sources back it. Messages are plain English;
``code`` is stable so that interfaces can translate or match on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    CAUTION = "caution"  # proceed, but the clinician must see it
    REFUSAL = "refusal"  # the action is not allowed as asked


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a rule gives: a stable code, a message and its sources."""

    code: str
    severity: Severity
    message: str
    evidence: tuple[str, ...]
    profile: str | None = None
    # True when the rule allows a prescriber to proceed with a documented reason.
    overridable: bool = False


def refusals(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity is Severity.REFUSAL)


def cautions(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity is Severity.CAUTION)


class RulesError(ValueError):
    """Base for every error the rules core raises on bad input."""


class InvalidInputError(RulesError):
    """An input a rule cannot score or judge; names the field and what is allowed."""

    def __init__(self, field: str, problem: str, allowed: Iterable[object] | None = None):
        self.field = field
        self.problem = problem
        self.allowed = tuple(allowed) if allowed is not None else None
        detail = f"{field}: {problem}"
        if self.allowed is not None:
            detail += f" (allowed: {', '.join(str(a) for a in self.allowed)})"
        super().__init__(detail)


class UnknownProfileError(RulesError):
    """A protocol profile id that no registry knows."""
