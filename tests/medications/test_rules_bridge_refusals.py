"""The one refusal error and override check every app uses, and the shared access checks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mooring.accounts.capabilities import Capability
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.medications.access import require_giver
from mooring.medications.rules_bridge import RuleRefused, allow_or_raise
from mooring.patients.selectors import require_patient_here
from mooring.rules.common import Finding, Severity

pytestmark = pytest.mark.django_db

SOFT = Finding("x.soft", Severity.REFUSAL, "Soft.", ("S-A",), "US-FED-2024", overridable=True)
HARD = Finding("x.hard", Severity.REFUSAL, "Hard.", ("S-B", "S-C"), "US-FED-2024")
NOTE = Finding("x.note", Severity.CAUTION, "Note.", ("S-D",), "US-FED-2024")


def test_a_refusal_names_rule_profile_and_sources_on_its_field():
    refused = RuleRefused([NOTE, SOFT, HARD], field="dose_mg", fields={"x.hard": "site"})
    assert [(p.field, p.code) for p in refused.problems] == [
        ("dose_mg", "x.soft"),
        ("site", "x.hard"),
    ]
    assert refused.problems[1].message == (
        "Hard. [rule x.hard; profile US-FED-2024; sources S-B, S-C]"
    )
    assert refused.check.profile == "US-FED-2024"
    assert refused.findings == (SOFT, HARD)
    assert not refused.overridable
    assert RuleRefused([SOFT]).overridable
    assert refused.status == 422
    assert refused.code == "x.soft"  # the first refusal's code, as the API reports it


@pytest.mark.parametrize(
    ("findings", "reason", "username", "outcome"),
    [
        ((NOTE,), "", "ben", ()),
        ((SOFT, NOTE), "", "ada", RuleRefused),
        ((SOFT, HARD), "a reason", "ada", RuleRefused),
        ((SOFT,), "a reason", "ada", ("x.soft",)),
        ((SOFT,), "a reason", "ben", CapabilityDenied),
        ((SOFT,), "   ", "ada", RuleRefused),
    ],
)
def test_allow_or_raise(personas, actor_for, harbor, findings, reason, username, outcome):
    actor = actor_for(personas[username])

    def call():
        return allow_or_raise(
            findings, actor=actor, clinic=harbor, override_reason=reason, field="dose_mg"
        )

    if isinstance(outcome, tuple):
        assert call() == outcome
        return
    with pytest.raises(outcome) as caught:
        call()
    if outcome is CapabilityDenied:
        assert caught.value.code == "override_needs_prescriber"


def test_require_patient_here_hides_other_clinics_and_checks_the_role(
    personas, actor_for, make_patient
):
    patient = make_patient()
    assert require_patient_here(actor_for(personas["ada"]), patient, Capability.PRESCRIBE)
    with pytest.raises(NotFoundOrForbidden):
        require_patient_here(actor_for(personas["sam"]), patient, Capability.VIEW_CLINICAL)
    with pytest.raises(CapabilityDenied):
        require_patient_here(actor_for(personas["ben"]), patient, Capability.PRESCRIBE)


def test_require_patient_here_needs_a_clinic(personas, actor_for, make_patient):
    actor = actor_for(personas["ada"])
    actor = replace(actor, clinic=None)
    with pytest.raises(ValidationFailed) as caught:
        require_patient_here(actor, make_patient(), Capability.PRESCRIBE)
    assert caught.value.code == "clinic_required"


def test_givers_are_nurses_and_prescribers(personas, actor_for, make_patient):
    patient = make_patient()
    assert require_giver(actor_for(personas["ben"]), patient)
    assert require_giver(actor_for(personas["ada"]), patient)
    with pytest.raises(CapabilityDenied):
        require_giver(actor_for(personas["chloe"]), patient)
