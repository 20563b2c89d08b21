"""Bottles coming back, recalls, and the concerns they raise for the prescriber."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.takehomes.models import (
    BottleStatus,
    ConcernKind,
    RecallStatus,
    TakeHomeCriteriaAssessment,
)
from mooring.takehomes.selectors import open_concerns, open_recalls, returns_due
from mooring.takehomes.services import (
    takehome_concern_acknowledge,
    takehome_recall_record,
    takehome_recall_request,
    takehome_return_check,
)
from tests.medications.conftest import local
from tests.takehomes.conftest import TODAY, days

pytestmark = pytest.mark.django_db

LATER = TODAY + timedelta(days=4)


@pytest.fixture
def out(ready, issue):
    """Three bottles (Tue-Thu) handed over on Monday."""
    return issue(ready(), days(1, 3))


def test_an_empty_bottle_is_checked_in_without_a_concern(out, ben, harbor, clock):
    clock.move_to(local(LATER, 9))
    assert list(returns_due(harbor, LATER)) == out
    check = takehome_return_check(actor=ben, bottle=out[0], outcome="returned_empty")
    assert check.outcome == "returned_empty"
    out[0].refresh_from_db()
    assert out[0].status == BottleStatus.RETURNED_EMPTY
    assert list(returns_due(harbor, LATER)) == out[1:]
    assert not open_concerns(harbor).exists()
    event = AuditEvent.objects.get(object_type="takehome_bottle")
    assert event.detail["outcome"] == "returned_empty"
    with pytest.raises(Conflict):
        takehome_return_check(actor=ben, bottle=out[0], outcome="tampered", note="Seal broken")


def test_bottles_not_yet_due_are_not_listed_for_check_in(out, harbor):
    assert not returns_due(harbor, TODAY).exists()
    assert list(returns_due(harbor, TODAY + timedelta(days=2))) == out[:1]


def test_tampered_and_missing_bottles_flag_the_patient_for_the_prescriber(out, ben, ada, harbor):
    takehome_return_check(actor=ben, bottle=out[0], outcome="tampered", note="Cap seal cut")
    takehome_return_check(actor=ben, bottle=out[1], outcome="not_returned")
    concerns = list(open_concerns(harbor))
    assert [c.kind for c in concerns] == [ConcernKind.TAMPERED, ConcernKind.NOT_RETURNED]
    assert out[0].code in concerns[0].message
    assert "Cap seal cut" in concerns[0].message
    acknowledged = takehome_concern_acknowledge(
        actor=ada, concern=concerns[0], note="Take-homes paused; new assessment recorded"
    )
    assert acknowledged.acknowledged_by == ada.user
    assert list(open_concerns(harbor)) == concerns[1:]
    with pytest.raises(CapabilityDenied):
        takehome_concern_acknowledge(actor=ben, concern=concerns[1])


def test_a_tampered_bottle_needs_a_note_and_outcomes_are_checked(out, ben):
    with pytest.raises(ValidationFailed) as refused:
        takehome_return_check(actor=ben, bottle=out[0], outcome="tampered")
    assert refused.value.field == "note"
    with pytest.raises(ValidationFailed) as refused:
        takehome_return_check(actor=ben, bottle=out[0], outcome="lost")
    assert refused.value.code == "invalid_outcome"


def test_check_in_permissions(out, personas, actor_for, ridge):
    with pytest.raises(CapabilityDenied):
        takehome_return_check(
            actor=actor_for(personas["dan"]), bottle=out[0], outcome="returned_empty"
        )
    with pytest.raises(NotFoundOrForbidden):
        takehome_return_check(
            actor=actor_for(personas["sam"], ridge), bottle=out[0], outcome="returned_empty"
        )


def test_a_recall_where_every_bottle_is_presented(out, ada, ben, harbor, clock):
    due = local(TODAY + timedelta(days=1), 12)
    recall = takehome_recall_request(
        actor=ada, patient=out[0].patient, reason="Random call-back", due_by=due
    )
    assert list(open_recalls(harbor)) == [recall]
    with pytest.raises(Conflict):
        takehome_recall_request(actor=ada, patient=out[0].patient, reason="Again", due_by=due)
    clock.move_to(local(TODAY + timedelta(days=1), 10))
    with pytest.raises(ValidationFailed) as refused:
        takehome_recall_record(
            actor=ben, recall=recall, outcome="all_present", bottles_seen=out[:2]
        )
    assert refused.value.code == "bottles_unaccounted"
    assert out[2].code in refused.value.message
    done = takehome_recall_record(
        actor=ben, recall=recall, outcome="all_present", bottles_seen=out, note="All sealed"
    )
    assert done.status == RecallStatus.RECORDED
    assert set(done.bottles_seen.all()) == set(out)
    assert not open_recalls(harbor).exists()
    assert not open_concerns(harbor).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="takehome_recall").values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.UPDATE]
    with pytest.raises(Conflict):
        takehome_recall_record(actor=ben, recall=recall, outcome="all_present", bottles_seen=out)


def test_a_recall_with_missing_bottles_raises_a_concern(out, ada, ben, harbor, clock):
    recall = takehome_recall_request(
        actor=ada,
        patient=out[0].patient,
        reason="Report of diversion",
        due_by=local(TODAY + timedelta(days=1), 12),
    )
    clock.move_to(local(TODAY + timedelta(days=1), 10))
    takehome_recall_record(
        actor=ben,
        recall=recall,
        outcome="discrepancy",
        bottles_seen=out[:2],
        bottles_retained=out[1:2],
        note="Thursday's bottle not brought",
    )
    (concern,) = open_concerns(harbor)
    assert concern.kind == ConcernKind.RECALL_DISCREPANCY
    assert out[2].code in concern.message
    out[1].refresh_from_db()
    assert out[1].status == BottleStatus.RECALLED


def test_a_missed_recall_raises_a_concern_and_overdue_recalls_are_listed(
    out, ada, ben, harbor, clock
):
    due = local(TODAY + timedelta(days=1), 12)
    recall = takehome_recall_request(
        actor=ada, patient=out[0].patient, reason="Random call-back", due_by=due
    )
    assert not open_recalls(harbor, overdue_at=local(TODAY, 18)).exists()
    assert list(open_recalls(harbor, overdue_at=due + timedelta(minutes=1))) == [recall]
    clock.move_to(local(TODAY + timedelta(days=2), 9))
    takehome_recall_record(
        actor=ben, recall=recall, outcome="did_not_attend", bottles_seen=[], note="No answer"
    )
    (concern,) = open_concerns(harbor)
    assert concern.kind == ConcernKind.RECALL_MISSED


def test_a_recall_needs_bottles_out_a_reason_a_future_time_and_a_prescriber(
    ready, out, ada, ben, make_patient
):
    due = local(TODAY + timedelta(days=1), 12)
    with pytest.raises(ValidationFailed) as refused:
        takehome_recall_request(actor=ada, patient=make_patient("Nil"), reason="x", due_by=due)
    assert refused.value.code == "no_bottles_out"
    with pytest.raises(ValidationFailed):
        takehome_recall_request(actor=ada, patient=out[0].patient, reason=" ", due_by=due)
    with pytest.raises(ValidationFailed) as refused:
        takehome_recall_request(
            actor=ada, patient=out[0].patient, reason="x", due_by=local(TODAY, 8)
        )
    assert refused.value.code == "due_in_past"
    with pytest.raises(CapabilityDenied):
        takehome_recall_request(actor=ben, patient=out[0].patient, reason="x", due_by=due)


def test_assessments_are_append_only(ready, assess):
    order = ready()
    assessment = TakeHomeCriteriaAssessment.objects.get(patient=order.patient)
    with pytest.raises(RuntimeError):
        assessment.save()
    with pytest.raises(RuntimeError):
        assessment.delete()
    event = AuditEvent.objects.get(object_type="takehome_assessment")
    assert len(event.detail["criteria_met"]) == 6


def test_only_a_prescriber_assesses_and_unknown_criteria_are_refused(
    make_patient, assess, ben, clock
):
    patient = make_patient()
    with pytest.raises(CapabilityDenied):
        assess(patient, actor=ben)
    with pytest.raises(ValidationFailed) as refused:
        assess(patient, ["owns_a_car"])
    assert refused.value.code == "unknown_criterion"
