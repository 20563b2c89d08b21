"""Building the demo through the services: determinism, personas, invariants, audit chain."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from mooring.accounts.access import clinic_ids_with
from mooring.accounts.capabilities import Capability, Role
from mooring.accounts.models import Clinic, ClinicClosure, Program, StaffRole, User
from mooring.audit.models import Action, AuditEvent
from mooring.audit.services import verify_chain
from mooring.core.context import Actor
from mooring.demo.builder import DEMO_PASSWORD, DEMO_STAFF, build_demo
from mooring.patients.models import Episode, Patient, PregnancyRecord
from mooring.patients.services import Demographics, PossibleDuplicate, patient_register

pytestmark = pytest.mark.django_db

FROZEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _snapshot():
    return [
        (
            p.mrn,
            p.legal_given_name,
            p.legal_family_name,
            p.date_of_birth,
            p.home_clinic.code,
            p.payer,
            [
                (
                    e.program_type,
                    e.admitted_on,
                    e.discharged_on,
                    e.discharge_reason,
                    e.readmission_of_id is not None,
                )
                for e in p.episodes.order_by("admitted_on")
            ],
            [r.estimated_due_date for r in p.pregnancies.all()],
        )
        for p in Patient.objects.select_related("home_clinic").order_by("mrn")
    ]


def _build_and_forget(seed):
    with transaction.atomic():
        build_demo(seed=seed, patients=30)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def demo(frozen):
    return build_demo(seed=1, patients=30)


def test_the_same_seed_on_the_same_day_builds_the_same_program(frozen):
    first = _build_and_forget(1)
    second = _build_and_forget(1)
    assert Program.objects.count() == 0
    assert len(first) == 30
    assert first == second
    assert first[0][:3] == ("H000001", "José", "Álvarez")
    assert _build_and_forget(2) != first


def test_the_summary_counts_what_was_written(demo):
    assert demo.today == date(2026, 3, 10)
    assert demo.patients == Patient.objects.count() == 30
    assert demo.episodes == Episode.objects.count()
    assert demo.open_episodes == Episode.objects.filter(discharged_on__isnull=True).count()
    assert demo.pregnancies == PregnancyRecord.objects.count() >= 1
    assert sum(demo.reasons.values()) == Episode.objects.filter(discharged_on__isnull=False).count()


def test_two_clinics_with_their_zones_hours_and_closures(demo):
    harbor, ridge = Clinic.objects.get(code="harbor"), Clinic.objects.get(code="ridge")
    assert Program.objects.get().mrn_prefix == "H"
    assert (harbor.name, harbor.time_zone) == ("Harbor Clinic", "America/New_York")
    assert (ridge.name, ridge.time_zone) == ("Ridge Clinic", "America/Chicago")
    assert harbor.is_open_weekday(7)
    assert not ridge.is_open_weekday(7)
    # 2026-03-10: Memorial Day and Independence Day are ahead, Christmas is behind.
    assert ClinicClosure.objects.filter(clinic=ridge, date=date(2026, 5, 25)).exists()
    assert not ClinicClosure.objects.filter(clinic=harbor, date=date(2026, 5, 25)).exists()
    assert ClinicClosure.objects.filter(clinic=harbor, date=date(2025, 12, 25)).exists()


def test_every_persona_exists_with_its_roles_and_the_demo_password(demo):
    for spec in DEMO_STAFF:
        user = User.objects.get(username=spec.username)
        assert user.display_name == spec.name
        assert user.check_password(DEMO_PASSWORD)
        grants = set(StaffRole.objects.filter(user=user).values_list("clinic__code", "role"))
        assert grants == set(spec.grants)
    assert User.objects.get(username="ian").is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="ian").exists()
    assert {r for _, r in StaffRole.objects.values_list("user", "role")} == set(Role.values)
    sam = User.objects.get(username="sam")
    assert clinic_ids_with(sam, Capability.VIEW_CLINICAL) == {Clinic.objects.get(code="ridge").id}


def test_no_patient_has_two_open_episodes_and_readmissions_link_back(demo):
    assert (
        not Patient.objects.annotate(
            open=Count("episodes", filter=Q(episodes__discharged_on__isnull=True))
        )
        .filter(open__gt=1)
        .exists()
    )
    for episode in Episode.objects.exclude(readmission_of=None).select_related("readmission_of"):
        assert episode.readmission_of.patient_id == episode.patient_id
        assert episode.admitted_on >= episode.readmission_of.discharged_on
    assert Episode.objects.filter(discharged_on__gt=date(2026, 3, 10)).count() == 0


def test_the_build_writes_a_verifiable_audit_trail_through_the_services(demo):
    assert verify_chain() is None
    creates = AuditEvent.objects.filter(action=Action.CREATE)
    assert creates.filter(object_type="patient").count() == 30
    assert creates.filter(object_type="episode").count() == Episode.objects.count()
    assert creates.filter(object_type="pregnancy").count() == demo.pregnancies
    registered_by = set(
        creates.filter(object_type="patient").values_list("actor_username", flat=True)
    )
    assert registered_by == {"dan", "rita"}
    assert set(AuditEvent.objects.values_list("channel", flat=True)) == {"cli"}


def test_the_near_duplicate_pair_triggers_the_duplicate_warning(demo):
    dan = User.objects.get(username="dan")
    harbor = Clinic.objects.get(code="harbor")
    actor = Actor(user=dan, clinic=harbor, roles=("front_desk",))
    with pytest.raises(PossibleDuplicate) as caught:
        patient_register(
            actor=actor,
            clinic=harbor,
            data=Demographics(
                legal_given_name="Jose",
                legal_family_name="Alvarez",
                date_of_birth=date(1986, 3, 14),
                sex_at_birth="male",
                payer="medicaid",
            ),
        )
    assert {p.legal_name for p in caught.value.candidates} == {"José Álvarez", "Jose Alvares"}


def _call(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_if_empty_builds_once_and_then_does_nothing(frozen):
    first = _call("demo", "--if-empty", "--patients=12")
    assert "12 patients" in first
    counts = (Patient.objects.count(), AuditEvent.objects.count(), User.objects.count())
    assert _call("demo", "--if-empty", "--patients=12") == ""
    assert (Patient.objects.count(), AuditEvent.objects.count(), User.objects.count()) == counts


def test_building_over_an_existing_program_is_refused_with_the_way_out(frozen):
    Program.objects.create(name="Someone's real program")
    with pytest.raises(CommandError, match="mooring demo --reset"):
        _call("demo", "--patients=5")
    assert not User.objects.exists()


@override_settings(PRODUCTION=True)
def test_production_never_gets_the_demo_or_its_logins(frozen):
    with pytest.raises(CommandError, match="never built in production"):
        _call("demo", "--patients=5")
    assert "Production" in _call("demo", "--if-empty")
    assert not Program.objects.exists()
    build_demo(seed=1, patients=0)
    assert _call("demo_logins") == ""


def test_demo_logins_prints_a_table_of_every_account(frozen):
    assert "No demo logins" in _call("demo_logins")
    _call("demo", "--patients=0")
    output = _call("demo_logins")
    assert DEMO_PASSWORD in output
    lines = output.splitlines()
    assert any(line.split()[:1] == ["Username"] for line in lines)
    for spec in DEMO_STAFF:
        assert any(line.startswith(f"{spec.username} ") and spec.name in line for line in lines), (
            spec.username
        )
    olu = next(line for line in lines if line.startswith("olu "))
    assert "Auditor" in olu
    assert "Harbor Clinic, Ridge Clinic" in olu
