"""Page-shaping reads: each returns plain dataclasses a template can show as they are.

Query counts stay flat: each list is one query with its joins, never one per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.patients.models import Episode, Patient, ProgramType
from mooring.patients.search import search_patients
from mooring.patients.selectors import current_pregnancy, visible_patients

RECENT_DAYS = 14
RECENT_LIMIT = 50


# Dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusRow:
    program_type: str
    label: str
    count: int


@dataclass(frozen=True)
class EpisodeRow:
    patient_uuid: uuid.UUID
    patient_name: str
    mrn: str
    day: date
    program_type: str = ""
    discharge_reason: str = ""


@dataclass(frozen=True)
class Dashboard:
    census: list[CensusRow]
    census_total: int
    admissions: list[EpisodeRow]
    admissions_total: int
    discharges: list[EpisodeRow]
    discharges_total: int
    since: date
    show_names: bool
    show_clinical: bool


def dashboard_for(
    clinic: Clinic, *, today: date, show_names: bool, show_clinical: bool
) -> Dashboard:
    """Today's census and the last two weeks' admissions and discharges at one clinic.

    Staff without demographic access (auditor, administrator) get counts only; staff without
    clinical access (front desk) get names and dates without program or discharge reason.
    """
    since = today - timedelta(days=RECENT_DAYS)
    at_clinic = Episode.objects.filter(clinic=clinic)
    census_counts = dict(
        at_clinic.filter(discharged_on__isnull=True)
        .values_list("program_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    census = [
        CensusRow(value, str(label), census_counts[value])
        for value, label in ProgramType.choices
        if census_counts.get(value)
    ]
    admitted = at_clinic.filter(admitted_on__gte=since).order_by("-admitted_on", "-id")
    discharged = at_clinic.filter(discharged_on__gte=since).order_by("-discharged_on", "-id")
    totals = at_clinic.aggregate(
        admitted=Count("id", filter=Q(admitted_on__gte=since)),
        discharged=Count("id", filter=Q(discharged_on__gte=since)),
    )
    return Dashboard(
        census=census,
        census_total=sum(census_counts.values()),
        admissions=_episode_rows(admitted, "admitted_on", show_clinical) if show_names else [],
        admissions_total=totals["admitted"],
        discharges=_episode_rows(discharged, "discharged_on", show_clinical) if show_names else [],
        discharges_total=totals["discharged"],
        since=since,
        show_names=show_names,
        show_clinical=show_clinical,
    )


def _episode_rows(
    episodes: QuerySet[Episode], day_field: str, show_clinical: bool
) -> list[EpisodeRow]:
    rows = []
    for episode in episodes.select_related("patient")[:RECENT_LIMIT]:
        rows.append(
            EpisodeRow(
                patient_uuid=episode.patient.uuid,
                patient_name=episode.patient.display_name,
                mrn=episode.patient.mrn,
                day=getattr(episode, day_field),
                program_type=episode.get_program_type_display() if show_clinical else "",
                discharge_reason=episode.get_discharge_reason_display() if show_clinical else "",
            )
        )
    return rows


# Patient lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientRow:
    uuid: uuid.UUID
    display_name: str
    legal_name: str
    mrn: str
    date_of_birth: date
    age: int
    home_clinic: str
    has_photo: bool

    @property
    def initials(self) -> str:
        return "".join(part[:1] for part in self.display_name.split()[:2]).upper()


def patient_rows(patients: Iterable[Patient], *, today: date) -> list[PatientRow]:
    return [
        PatientRow(
            uuid=p.uuid,
            display_name=p.display_name,
            legal_name=p.legal_name,
            mrn=p.mrn,
            date_of_birth=p.date_of_birth,
            age=p.age_on(today),
            home_clinic=p.home_clinic.name,
            has_photo=bool(p.photo),
        )
        for p in patients
    ]


def open_patients(actor: Actor, clinic: Clinic) -> QuerySet[Patient]:
    """Patients the actor may see with an open episode at this clinic, by name."""
    open_here = Episode.objects.filter(clinic=clinic, discharged_on__isnull=True)
    return (
        visible_patients(actor)
        .filter(pk__in=open_here.values("patient_id"))
        .order_by("legal_family_name", "legal_given_name", "id")
    )


def patient_search(actor: Actor, query: str, *, today: date) -> list[PatientRow]:
    """Search the patients the actor may see, and audit the search with what it showed."""
    found = search_patients(visible_patients(actor), query)
    record(
        actor=actor,
        action=Action.READ,
        object_type="patient_search",
        data_category=DataCategory.DEMOGRAPHICS,
        detail={"query": query[:200], "results": [p.mrn for p in found]},
    )
    return patient_rows(found, today=today)


@dataclass(frozen=True)
class Duplicates:
    rows: list[PatientRow]
    hidden: int = 0


def duplicate_rows(actor: Actor, candidates: list[Patient], *, today: date) -> Duplicates:
    """The possible duplicates the actor may open; others are only counted, never named."""
    visible_ids = set(
        visible_patients(actor)
        .filter(pk__in=[p.pk for p in candidates])
        .values_list("pk", flat=True)
    )
    shown = [p for p in candidates if p.pk in visible_ids]
    return Duplicates(rows=patient_rows(shown, today=today), hidden=len(candidates) - len(shown))


# The chart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeHistoryRow:
    program_type: str
    clinic: str
    admitted_on: date
    discharged_on: date | None
    discharge_reason: str
    discharge_note: str
    is_readmission: bool


@dataclass(frozen=True)
class Chart:
    patient: Patient
    age: int
    clinical: bool
    pregnant: bool = False
    due_date: date | None = None
    open_program: str = ""
    has_open_episode: bool = False
    has_earlier_episode: bool = False
    episodes: list[EpisodeHistoryRow] = field(default_factory=list)


def chart_for(patient: Patient, *, today: date, clinical: bool) -> Chart:
    """The chart header and overview. Without clinical access: demographics only.

    Two queries at most whatever the history: the episodes, and the newest pregnancy row.
    """
    if not clinical:
        return Chart(patient=patient, age=patient.age_on(today), clinical=False)
    episodes = list(patient.episodes.select_related("clinic").order_by("-admitted_on", "-id"))
    pregnancy = current_pregnancy(patient)
    current = next((e for e in episodes if e.is_open), None)
    return Chart(
        patient=patient,
        age=patient.age_on(today),
        clinical=True,
        pregnant=bool(pregnancy and pregnancy.is_pregnant),
        due_date=pregnancy.estimated_due_date if pregnancy and pregnancy.is_pregnant else None,
        open_program=current.get_program_type_display() if current else "",
        has_open_episode=current is not None,
        has_earlier_episode=any(not e.is_open for e in episodes),
        episodes=[
            EpisodeHistoryRow(
                program_type=e.get_program_type_display(),
                clinic=e.clinic.name,
                admitted_on=e.admitted_on,
                discharged_on=e.discharged_on,
                discharge_reason=e.get_discharge_reason_display(),
                discharge_note=e.discharge_note,
                is_readmission=e.readmission_of_id is not None,
            )
            for e in episodes
        ],
    )


def can_see_clinical(actor: Actor) -> bool:
    return actor.clinic is not None and access.can(
        actor.user, Capability.VIEW_CLINICAL, actor.clinic.id
    )


@dataclass(frozen=True)
class EpisodeState:
    open_program: str
    open_since: date | None
    has_open_episode: bool
    has_earlier_episode: bool


def episode_state(patient: Patient) -> EpisodeState:
    """Whether an admission here would be a first admission or a readmission (one query)."""
    episodes = list(
        patient.episodes.order_by("-admitted_on", "-id").only(
            "program_type", "admitted_on", "discharged_on"
        )
    )
    current = next((e for e in episodes if e.is_open), None)
    return EpisodeState(
        open_program=current.get_program_type_display() if current else "",
        open_since=current.admitted_on if current else None,
        has_open_episode=current is not None,
        has_earlier_episode=any(not e.is_open for e in episodes),
    )
