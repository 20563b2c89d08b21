"""The shared result and error types of the rules core."""

from mooring.rules.common import Finding, InvalidInputError, Severity, cautions, refusals


def _finding(code: str, severity: Severity) -> Finding:
    return Finding(code=code, severity=severity, message=code, evidence=("SEED-001",))


def test_refusals_and_cautions_pick_their_severity_in_order() -> None:
    findings = [_finding("a", Severity.INFO), _finding("b", Severity.REFUSAL),
                _finding("c", Severity.CAUTION), _finding("d", Severity.REFUSAL)]
    assert [f.code for f in refusals(findings)] == ["b", "d"]
    assert [f.code for f in cautions(findings)] == ["c"]


def test_invalid_input_names_the_field_and_what_is_allowed() -> None:
    error = InvalidInputError("cows.pulse", "value 3 is not allowed", allowed=(0, 1, 2, 4))
    assert str(error) == "cows.pulse: value 3 is not allowed (allowed: 0, 1, 2, 4)"
    assert error.allowed == (0, 1, 2, 4)
    assert InvalidInputError("x", "missing").allowed is None
