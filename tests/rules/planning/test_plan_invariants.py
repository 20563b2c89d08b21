"""Properties that hold for every profile."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from mooring.rules.common import Finding
from mooring.rules.evidence import REGISTRY
from mooring.rules.placement import WithdrawalSetting
from mooring.rules.planning import Medication, Priority, SexAtBirth, build_plan

from .personas import profiles

_AGONISTS = {
    Medication.METHADONE,
    Medication.BUPRENORPHINE_NALOXONE,
    Medication.BUPRENORPHINE_SUBLINGUAL,
    Medication.BUPRENORPHINE_EXTENDED_RELEASE,
}


@settings(max_examples=60)
@given(profiles())
def test_same_profile_same_plan(profile):
    assert build_plan(profile) == build_plan(profile)


@settings(max_examples=60)
@given(profiles())
def test_naloxone_is_always_offered(profile):
    naloxone = build_plan(profile).element("plan.naloxone")
    assert naloxone is not None
    assert "household" in naloxone.title


@settings(max_examples=60)
@given(profiles())
def test_every_element_and_option_cites_registered_evidence(profile):
    plan = build_plan(profile)
    assert plan.elements
    for element in plan.elements:
        _assert_cited(element.evidence)
    assert len(plan.medication_options) == len(Medication)
    for option in plan.medication_options:
        _assert_cited(option.evidence)
        for finding in (*option.reasons, *option.cautions):
            assert isinstance(finding, Finding)
            _assert_cited(finding.evidence)
            assert set(finding.evidence) <= set(option.evidence)


@settings(max_examples=60)
@given(profiles().map(lambda p: replace(p, sex_at_birth=SexAtBirth.FEMALE, pregnant=True)))
def test_pregnancy_never_ranks_naltrexone_first(profile):
    plan = build_plan(profile)
    assert plan.medication_options[0].medication in _AGONISTS
    position = [o.medication for o in plan.medication_options].index(
        Medication.NALTREXONE_EXTENDED_RELEASE
    )
    assert position == len(Medication) - 1


@settings(max_examples=60)
@given(profiles())
def test_no_home_detox_ever(profile):
    plan = build_plan(profile)
    assert plan.withdrawal_care in (None, *WithdrawalSetting)
    for element in plan.elements:
        assert "home_detox" not in element.code
        assert "detox at home" not in element.detail.lower()
    if plan.withdrawal_care is not None:
        assert "unsafe" in plan.element("plan.withdrawal.supervised").detail


@settings(max_examples=60)
@given(profiles())
def test_urgent_safety_leads_when_item9_is_positive(profile):
    plan = build_plan(profile)
    urgent = [e for e in plan.elements if e.priority is Priority.URGENT]
    if profile.phq9_item9_positive:
        assert plan.elements[0].code == "plan.safety.urgent_assessment"
    else:
        assert urgent == []


@settings(max_examples=60)
@given(profiles())
def test_ranks_are_a_strict_sequence_and_ruled_out_options_come_last(profile):
    options = build_plan(profile).medication_options
    assert [o.rank for o in options] == list(range(1, len(options) + 1))
    flags = [o.contraindicated for o in options]
    assert flags == sorted(flags)


def _assert_cited(evidence):
    assert evidence
    assert all(i in REGISTRY for i in evidence)
