"""Domain errors that every interface (form, API, CLI) turns into a clear message.

A service raises :class:`ValidationFailed` with a stable ``code``, the ``field`` at fault
and a sentence a person can act on. Pages show it beside the field, the API returns it as
problem+json, the CLI prints it and exits non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    field: str | None
    code: str
    message: str


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field

    @property
    def problems(self) -> list[FieldProblem]:
        return [FieldProblem(self.field, self.code, self.message)]


class ValidationFailed(DomainError):
    """Input broke a rule; nothing was written."""

    status = 422
    code = "validation_failed"

    def __init__(self, problems: list[FieldProblem] | str, *, code: str | None = None,
                 field: str | None = None):
        if isinstance(problems, str):
            problems = [FieldProblem(field, code or self.code, problems)]
        self._problems = problems
        first = problems[0]
        super().__init__(first.message, code=first.code, field=first.field)

    @property
    def problems(self) -> list[FieldProblem]:
        return self._problems


class Conflict(DomainError):
    """The action clashes with the record's current state (already done, already open)."""

    status = 409
    code = "conflict"


class NotFoundOrForbidden(DomainError):
    """The same answer for "missing" and "not yours", so records never leak their existence."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found.", **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class CapabilityDenied(DomainError):
    """The user is known to the record's clinic but their role may not do this."""

    status = 403
    code = "forbidden"


@dataclass
class ProblemSet:
    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str | None, code: str, message: str) -> None:
        self.problems.append(FieldProblem(field_name, code, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)
