"""Registration, duplicates, episodes and pregnancy through the service layer."""

from datetime import date, timedelta

import pytest

from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed
from mooring.patients.models import Episode
from mooring.patients.services import (
    Demographics,
    PossibleDuplicate,
    episode_admit,
    episode_discharge,
    episode_readmit,
    patient_register,
    pregnancy_record,
)

pytestmark = pytest.mark.django_db


def _data(**overrides):
    values = dict(legal_given_name="José", legal_family_name="Álvarez",
                  date_of_birth=date(1988, 3, 2), sex_at_birth="male", payer="medicaid")
    values.update(overrides)
    return Demographics(**values)


def test_registration_assigns_an_mrn_and_audits(personas, actor_for, harbor):
    patient = patient_register(actor=actor_for(personas["dan"]), clinic=harbor, data=_data())
    assert patient.mrn == "H000001"
    assert patient.search_name == "jose alvarez"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="patient")
    assert event.patient == patient
    assert event.data_category == "demographics"


def test_future_birth_date_is_refused_with_the_field(personas, actor_for, harbor):
    with pytest.raises(ValidationFailed) as caught:
        patient_register(actor=actor_for(personas["dan"]), clinic=harbor,
                         data=_data(date_of_birth=date.today() + timedelta(days=1)))
    assert caught.value.field == "date_of_birth"
    assert caught.value.code == "future_date"


def test_a_similar_name_on_the_same_birthday_is_flagged_before_creating(personas, actor_for,
                                                                        harbor):
    actor = actor_for(personas["dan"])
    first = patient_register(actor=actor, clinic=harbor, data=_data())
    with pytest.raises(PossibleDuplicate) as caught:
        patient_register(actor=actor, clinic=harbor,
                         data=_data(legal_given_name="Jose", legal_family_name="Alvares"))
    assert caught.value.candidates == [first]
    second = patient_register(actor=actor, clinic=harbor, duplicates_reviewed=True,
                              data=_data(legal_given_name="Jose", legal_family_name="Alvares"))
    assert second.mrn != first.mrn


def test_front_desk_cannot_admit(personas, actor_for, harbor, make_patient):
    patient = make_patient(admit=False)
    with pytest.raises(CapabilityDenied):
        episode_admit(actor=actor_for(personas["dan"]), patient=patient, clinic=harbor,
                      program_type="otp", admitted_on=date(2026, 2, 1))


def test_one_open_episode_per_program(personas, actor_for, harbor, ridge, make_patient):
    patient = make_patient()
    with pytest.raises(Conflict):
        episode_admit(actor=actor_for(personas["ada"]), patient=patient, clinic=harbor,
                      program_type="outpatient", admitted_on=date(2026, 2, 1))
    assert Episode.objects.filter(patient=patient).count() == 1


def test_discharge_then_readmit_links_the_episodes(personas, actor_for, harbor, make_patient):
    patient = make_patient(admitted_on=date(2026, 1, 5))
    actor = actor_for(personas["ada"])
    episode = patient.episodes.get()
    with pytest.raises(ValidationFailed) as caught:
        episode_discharge(actor=actor, episode=episode, discharged_on=date(2026, 1, 1),
                          reason="2")
    assert caught.value.field == "discharged_on"
    episode_discharge(actor=actor, episode=episode, discharged_on=date(2026, 3, 1), reason="2")
    again = episode_readmit(actor=actor, patient=patient, clinic=harbor, program_type="otp",
                            admitted_on=date(2026, 4, 1))
    assert again.readmission_of == episode
    with pytest.raises(Conflict):
        episode_discharge(actor=actor, episode=episode, discharged_on=date(2026, 3, 2),
                          reason="1")


def test_pregnancy_history_is_kept(personas, actor_for, make_patient):
    patient = make_patient()
    actor = actor_for(personas["ben"])
    due = date.today() + timedelta(days=120)
    pregnancy_record(actor=actor, patient=patient, is_pregnant=True, estimated_due_date=due)
    pregnancy_record(actor=actor, patient=patient, is_pregnant=False, estimated_due_date=None)
    assert [p.is_pregnant for p in patient.pregnancies.all()] == [False, True]
    with pytest.raises(ValidationFailed):
        pregnancy_record(actor=actor, patient=patient, is_pregnant=False,
                         estimated_due_date=due)


def test_an_over_long_value_is_refused_with_the_field(personas, actor_for, harbor):
    with pytest.raises(ValidationFailed) as caught:
        patient_register(actor=actor_for(personas["dan"]), clinic=harbor,
                         data=_data(pronouns="x" * 31))
    assert (caught.value.field, caught.value.code) == ("pronouns", "too_long")
