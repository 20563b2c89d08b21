"""Personas and shared fixtures.

Harbor Clinic and Ridge Clinic belong to one program. The people:
Dr Ada Okafor (prescriber, Harbor), Nurse Ben Cruz (Harbor), Chloe Park (counsellor, Harbor),
Kai Moreno (key worker, Harbor), Dan Reyes (front desk, Harbor), Eve Stone (director, Harbor),
Olu Bello (auditor, both clinics), Ian Hart (administrator, both clinics) and Sam Lee
(nurse, Ridge), who must never see Harbor's patients.
"""

from __future__ import annotations

import socket
from datetime import date

import pytest

from mooring.accounts.capabilities import Role

PASSWORD = "correct-horse-battery-staple"

PERSONAS = {
    "ada": ("Ada Okafor", "MD", [("harbor", Role.PRESCRIBER)]),
    "ben": ("Ben Cruz", "RN", [("harbor", Role.NURSE)]),
    "chloe": ("Chloe Park", "LCSW", [("harbor", Role.COUNSELLOR)]),
    "kai": ("Kai Moreno", "CHW", [("harbor", Role.KEY_WORKER)]),
    "dan": ("Dan Reyes", "", [("harbor", Role.FRONT_DESK)]),
    "eve": ("Eve Stone", "MBA", [("harbor", Role.DIRECTOR)]),
    "olu": ("Olu Bello", "CHPC", [("harbor", Role.AUDITOR), ("ridge", Role.AUDITOR)]),
    "ian": ("Ian Hart", "", [("harbor", Role.ADMINISTRATOR), ("ridge", Role.ADMINISTRATOR)]),
    "sam": ("Sam Lee", "RN", [("ridge", Role.NURSE)]),
}


# The append-only tables of the audit chain (events and seals), and their SQLite triggers.
SQLITE_AUDIT_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END;"
    for table in ("audit_auditevent", "audit_auditseal")
    for verb in ("UPDATE", "DELETE")
]


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_triggers(request):
    """Transactional tests empty every table between tests; let that one path through.

    The append-only triggers stay in force for everything the tests themselves do.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        yield  # the rules suite runs without Django
        return
    from django.db import connection

    ops_class = type(connection.ops)
    original = ops_class.sql_flush
    if connection.vendor == "postgresql":
        before = ["SET session_replication_role = replica"]
        after = ["SET session_replication_role = DEFAULT"]
    else:
        before = [f"DROP TRIGGER IF EXISTS {table}_no_{verb}"
                  for table in ("audit_auditevent", "audit_auditseal")
                  for verb in ("update", "delete")]
        after = SQLITE_AUDIT_TRIGGERS

    def sql_flush(self, *args, **kwargs):
        statements = original(self, *args, **kwargs)
        return [*before, *statements, *after] if statements else statements

    ops_class.sql_flush = sql_flush
    yield
    ops_class.sql_flush = original


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach the network; loopback (test servers, PostgreSQL) is fine."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") \
                and not host.startswith("/"):
            raise RuntimeError(f"network access in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def program(db):
    from mooring.accounts.models import Program

    return Program.objects.create(name="Harbor Recovery Program", mrn_prefix="H")


@pytest.fixture
def clinics(program):
    from mooring.accounts.models import Clinic

    harbor = Clinic.objects.create(program=program, name="Harbor Clinic", code="harbor",
                                   time_zone="America/New_York")
    ridge = Clinic.objects.create(program=program, name="Ridge Clinic", code="ridge",
                                  time_zone="America/New_York")
    return {"harbor": harbor, "ridge": ridge}


@pytest.fixture
def harbor(clinics):
    return clinics["harbor"]


@pytest.fixture
def ridge(clinics):
    return clinics["ridge"]


@pytest.fixture
def personas(clinics):
    from mooring.accounts.models import StaffRole, User

    people = {}
    for username, (name, credentials, grants) in PERSONAS.items():
        user = User.objects.create_user(username=username, password=PASSWORD,
                                        display_name=name, credentials=credentials)
        for clinic_code, role in grants:
            StaffRole.objects.create(user=user, clinic=clinics[clinic_code], role=role)
        people[username] = user
    return people


@pytest.fixture
def actor_for(clinics):
    from mooring.accounts.access import roles_at
    from mooring.core.context import Actor

    def make(user, clinic=None):
        clinic = clinic or clinics["harbor"]
        return Actor(user=user, clinic=clinic, roles=tuple(roles_at(user, clinic.id)),
                     source_address="127.0.0.1", user_agent="pytest", channel="web")

    return make


@pytest.fixture
def make_patient(personas, actor_for, clinics):
    """Register a patient through the real service (as Dr Okafor at Harbor by default)."""
    from mooring.patients.services import Demographics, episode_admit, patient_register

    counter = {"n": 0}

    def make(given="Alex", family=None, *, clinic="harbor", dob=date(1990, 5, 17),
             admit=True, program_type="otp", admitted_on=date(2026, 1, 5), **extra):
        counter["n"] += 1
        family = family or f"Rivera{counter['n']}"
        home = clinics[clinic]
        prescriber = personas["ada"] if clinic == "harbor" else _ridge_prescriber(personas,
                                                                                  clinics)
        actor = actor_for(prescriber, home)
        data = Demographics(legal_given_name=given, legal_family_name=family, date_of_birth=dob,
                            sex_at_birth=extra.pop("sex_at_birth", "female"),
                            payer=extra.pop("payer", "medicaid"), **extra)
        patient = patient_register(actor=actor, clinic=home, data=data,
                                   duplicates_reviewed=True)
        if admit:
            episode_admit(actor=actor, patient=patient, clinic=home, program_type=program_type,
                          admitted_on=admitted_on)
        return patient

    return make


def _ridge_prescriber(personas, clinics):
    from mooring.accounts.models import StaffRole, User

    user, created = User.objects.get_or_create(username="rita", defaults={
        "display_name": "Rita Shah", "credentials": "NP"})
    if created:
        StaffRole.objects.create(user=user, clinic=clinics["ridge"], role=Role.PRESCRIBER)
    return user


@pytest.fixture
def login(client, personas):
    def do(username):
        client.force_login(personas[username])
        return client

    return do
