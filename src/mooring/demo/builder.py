"""Write the demo program through the real services, so the demo exercises the write paths.

Program and clinics have no service yet (they are set-up data, like ``createadmin``); they
are created here and audited. Staff go through ``staff_user_create``/``staff_role_grant``;
patients, episodes and pregnancies through ``mooring.patients.services``, acting as the
demo staff member whose role would do it (front desk registers, prescriber admits,
counsellor discharges, nurse records a pregnancy), on the ``cli`` channel.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from mooring.accounts.access import roles_at
from mooring.accounts.capabilities import Role
from mooring.accounts.models import Clinic, ClinicClosure, Program, User
from mooring.accounts.services import staff_role_grant, staff_user_create
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor, system_actor
from mooring.core.time import today_at
from mooring.demo.distributions import (
    COMPLETED,
    DIED,
    DROPPED_OUT,
    INCARCERATED,
    OTHER,
    TERMINATED,
    TRANSFERRED,
    PatientPlan,
    plan_program,
)
from mooring.demo.dosing import HISTORY_DAYS, DosingSummary, build_dosing
from mooring.demo.treatment import TreatmentSummary, build_treatment
from mooring.patients.models import Episode, Patient
from mooring.patients.services import (
    Demographics,
    PossibleDuplicate,
    episode_admit,
    episode_discharge,
    episode_readmit,
    patient_register,
    pregnancy_record,
)

PROGRAM_NAME = "Harbor Recovery Program"
MRN_PREFIX = "H"
# One password for every demo account; it passes the validators (12+ characters, not common).
DEMO_PASSWORD = "harbor-lights-demo"
BATCH_SIZE = 50


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    credentials: str
    grants: tuple[tuple[str, str], ...]
    superuser: bool = False


# The test personas (tests/conftest.py), plus Rita Shah, the Ridge prescriber. Eve directs
# the whole program here, so she holds the director role at both clinics.
DEMO_STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("ada", "Ada Okafor", "MD", (("harbor", Role.PRESCRIBER),)),
    StaffSpec("ben", "Ben Cruz", "RN", (("harbor", Role.NURSE),)),
    StaffSpec("chloe", "Chloe Park", "LCSW", (("harbor", Role.COUNSELLOR),)),
    StaffSpec("kai", "Kai Moreno", "CHW", (("harbor", Role.KEY_WORKER),)),
    StaffSpec("dan", "Dan Reyes", "", (("harbor", Role.FRONT_DESK),)),
    StaffSpec("eve", "Eve Stone", "MBA", (("harbor", Role.DIRECTOR), ("ridge", Role.DIRECTOR))),
    StaffSpec("olu", "Olu Bello", "CHPC", (("harbor", Role.AUDITOR), ("ridge", Role.AUDITOR))),
    StaffSpec(
        "ian",
        "Ian Hart",
        "",
        (("harbor", Role.ADMINISTRATOR), ("ridge", Role.ADMINISTRATOR)),
        superuser=True,
    ),
    StaffSpec("sam", "Sam Lee", "RN", (("ridge", Role.NURSE),)),
    StaffSpec("rita", "Rita Shah", "NP", (("ridge", Role.PRESCRIBER),)),
)

# Who does what at each clinic: (registers, admits, discharges, records pregnancy).
CLINIC_WORKERS = {
    "harbor": ("dan", "ada", "chloe", "ben"),
    "ridge": ("rita", "rita", "rita", "sam"),
}


@dataclass(frozen=True)
class ClinicSpec:
    code: str
    name: str
    time_zone: str
    address: str
    phone: str
    opening_hours: dict[str, list[str]]
    # Holidays (see _holidays) on which this clinic closes.
    closes_on: tuple[str, ...]


_WEEKDAYS_HARBOR = {str(d): ["05:30", "13:30"] for d in range(1, 6)}
_WEEKDAYS_RIDGE = {str(d): ["06:00", "14:00"] for d in range(1, 6)}
CLINICS: tuple[ClinicSpec, ...] = (
    ClinicSpec(
        "harbor",
        "Harbor Clinic",
        "America/New_York",
        "120 Water Street\nPort Alden, NY 10950",
        "(845) 555-0100",
        {**_WEEKDAYS_HARBOR, "6": ["07:00", "10:00"], "7": ["08:00", "09:30"]},
        ("new_year", "independence", "thanksgiving", "christmas"),
    ),
    ClinicSpec(
        "ridge",
        "Ridge Clinic",
        "America/Chicago",
        "45 Ridge Road\nCedar Ridge, IL 61701",
        "(309) 555-0100",
        {**_WEEKDAYS_RIDGE, "6": ["08:00", "11:00"]},
        ("new_year", "memorial", "independence", "labor", "thanksgiving", "christmas"),
    ),
)

HOLIDAY_NAMES = {
    "new_year": "New Year's Day",
    "memorial": "Memorial Day",
    "independence": "Independence Day",
    "labor": "Labor Day",
    "thanksgiving": "Thanksgiving Day",
    "christmas": "Christmas Day",
}

DISCHARGE_NOTES = {
    COMPLETED: "Completed the planned taper; aftercare and naloxone given.",
    DROPPED_OUT: "Stopped attending; outreach by phone and letter did not reach them.",
    TERMINATED: "Discharged by the program after a safety review; referred elsewhere.",
    TRANSFERRED: "Transferred to another program closer to home.",
    INCARCERATED: "Incarcerated; records sent to the facility's medical unit with consent.",
    DIED: "Died; the death review is filed separately.",
    OTHER: "Moved out of the area.",
}


@dataclass
class DemoSummary:
    seed: int
    today: date
    patients: int = 0
    episodes: int = 0
    open_episodes: int = 0
    pregnancies: int = 0
    staff: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    dosing: DosingSummary | None = None
    treatment: TreatmentSummary | None = None


@dataclass(frozen=True)
class _Workers:
    registrar: Actor
    admitter: Actor
    discharger: Actor
    nurse: Actor


def demo_today() -> date:
    """The latest date that is not in the future at every demo clinic."""
    return min(today_at(spec.time_zone) for spec in CLINICS)


def build_demo(
    *, seed: int = 1, patients: int | None = None, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Build the whole demo program in an empty database; same seed and day, same data."""
    started = time.monotonic()
    today = demo_today()
    summary = DemoSummary(seed=seed, today=today)
    plans = plan_program(seed, today, patients)
    with transaction.atomic():
        clinics = _create_program(today)
        staff = _create_staff(clinics)
    summary.staff = len(staff)
    workers = {code: _workers(code, clinic, staff) for code, clinic in clinics.items()}
    for number, batch in enumerate(_batches(plans, BATCH_SIZE)):
        # One transaction per batch: each service call is a cheap savepoint inside it.
        with transaction.atomic():
            for plan in batch:
                _build_patient(plan, clinics[plan.clinic], workers[plan.clinic], summary)
        if progress is not None:
            progress(f"{min((number + 1) * BATCH_SIZE, len(plans))} of {len(plans)} patients")
    # Orders, doses, deliveries and counts for the last weeks (mooring.demo.dosing).
    summary.dosing = build_dosing(seed=seed, today=today, clinics=clinics, staff=staff)
    # Take-homes, injections and naloxone over the same weeks (mooring.demo.treatment).
    summary.treatment = build_treatment(
        seed=seed, today=today, clinics=clinics, staff=staff, days=HISTORY_DAYS
    )
    summary.seconds = time.monotonic() - started
    return summary


def _batches(items: list[PatientPlan], size: int) -> Iterator[list[PatientPlan]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _create_program(today: date) -> dict[str, Clinic]:
    actor = system_actor(channel="cli")
    program = Program.objects.create(name=PROGRAM_NAME, mrn_prefix=MRN_PREFIX)
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="program",
        object_id=program.uuid,
        detail={"name": program.name, "demo": True},
    )
    clinics = {}
    for spec in CLINICS:
        clinic = Clinic.objects.create(
            program=program,
            name=spec.name,
            code=spec.code,
            address=spec.address,
            phone=spec.phone,
            time_zone=spec.time_zone,
            opening_hours=spec.opening_hours,
        )
        closures = [
            ClinicClosure(clinic=clinic, date=day, reason=HOLIDAY_NAMES[key])
            for key, day in _holidays(today)
            if key in spec.closes_on
        ]
        ClinicClosure.objects.bulk_create(closures)
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="clinic",
            object_id=clinic.uuid,
            clinic=clinic,
            detail={"code": clinic.code, "closures": len(closures)},
        )
        clinics[spec.code] = clinic
    return clinics


def _holidays(today: date) -> Iterable[tuple[str, date]]:
    """US federal holidays from three months back to six months ahead."""
    for year in (today.year - 1, today.year, today.year + 1):
        days = {
            "new_year": date(year, 1, 1),
            "memorial": _nth_weekday(year, 5, 0, -1),
            "independence": date(year, 7, 4),
            "labor": _nth_weekday(year, 9, 0, 1),
            "thanksgiving": _nth_weekday(year, 11, 3, 4),
            "christmas": date(year, 12, 25),
        }
        for key, day in days.items():
            if today - timedelta(days=90) <= day <= today + timedelta(days=183):
                yield key, day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (0 = Monday) of a month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _create_staff(clinics: dict[str, Clinic]) -> dict[str, User]:
    actor = system_actor(channel="cli")
    staff = {}
    for spec in DEMO_STAFF:
        user = staff_user_create(
            actor=actor,
            username=spec.username,
            password=DEMO_PASSWORD,
            display_name=spec.name,
            credentials=spec.credentials,
            is_superuser=spec.superuser,
        )
        for code, role in spec.grants:
            staff_role_grant(actor=actor, user=user, clinic=clinics[code], role=role)
        staff[spec.username] = user
    return staff


def _workers(code: str, clinic: Clinic, staff: dict[str, User]) -> _Workers:
    def actor(username: str) -> Actor:
        user = staff[username]
        return Actor(
            user=user,
            clinic=clinic,
            roles=tuple(sorted(roles_at(user, clinic.id))),
            user_agent="mooring demo",
            channel="cli",
        )

    registrar, admitter, discharger, nurse = CLINIC_WORKERS[code]
    return _Workers(actor(registrar), actor(admitter), actor(discharger), actor(nurse))


def _demographics(plan: PatientPlan) -> Demographics:
    return Demographics(
        legal_given_name=plan.given,
        legal_family_name=plan.family,
        date_of_birth=plan.date_of_birth,
        sex_at_birth=plan.sex_at_birth,
        payer=plan.payer,
        preferred_name=plan.preferred,
        gender_identity=plan.gender_identity,
        pronouns=plan.pronouns,
        preferred_language=plan.language,
        phone=plan.phone,
        address_line=plan.address_line,
        city=plan.city,
        state=plan.state,
        postal_code=plan.postal_code,
        emergency_contact_name=plan.emergency_contact_name,
        emergency_contact_phone=plan.emergency_contact_phone,
        emergency_contact_relationship=plan.emergency_contact_relationship,
    )


def _register(plan: PatientPlan, clinic: Clinic, workers: _Workers) -> Patient:
    data = _demographics(plan)
    try:
        return patient_register(
            actor=workers.registrar,
            clinic=clinic,
            data=data,
            duplicates_reviewed=plan.duplicates_reviewed,
        )
    except PossibleDuplicate:
        # A chance likeness (same birthday, similar name): staff checked, a different person.
        return patient_register(
            actor=workers.registrar, clinic=clinic, data=data, duplicates_reviewed=True
        )


def _build_patient(
    plan: PatientPlan, clinic: Clinic, workers: _Workers, summary: DemoSummary
) -> None:
    patient = _register(plan, clinic, workers)
    for index, step in enumerate(plan.episodes):
        admit = episode_admit if index == 0 else episode_readmit
        episode: Episode = admit(
            actor=workers.admitter,
            patient=patient,
            clinic=clinic,
            program_type=step.program_type,
            admitted_on=step.admitted_on,
        )
        summary.episodes += 1
        if step.discharged_on is None:
            summary.open_episodes += 1
            continue
        episode_discharge(
            actor=workers.discharger,
            episode=episode,
            discharged_on=step.discharged_on,
            reason=step.reason,
            note=DISCHARGE_NOTES[step.reason],
        )
        summary.reasons[step.reason] += 1
    if plan.due_date is not None:
        pregnancy_record(
            actor=workers.nurse, patient=patient, is_pregnant=True, estimated_due_date=plan.due_date
        )
        summary.pregnancies += 1
    summary.patients += 1
