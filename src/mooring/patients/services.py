"""Writes to patients and episodes: one function per use case, atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic, Program
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.patients.models import (
    DischargeReason,
    Episode,
    Patient,
    Payer,
    PregnancyRecord,
    ProgramType,
    SexAtBirth,
)
from mooring.patients.names import fold, search_name, similarity
from mooring.patients.photos import validate_photo

MAX_AGE_YEARS = 120
DUPLICATE_NAME_SIMILARITY = 0.8


@dataclass
class Demographics:
    """What registration and editing accept; the same checks serve the form and the API."""

    legal_given_name: str
    legal_family_name: str
    date_of_birth: date
    sex_at_birth: str
    payer: str
    preferred_name: str = ""
    gender_identity: str = ""
    pronouns: str = ""
    preferred_language: str = "English"
    phone: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relationship: str = ""

    def cleaned(self) -> Demographics:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = " ".join(value.split())
        return Demographics(**values)


def _choose(values: list[str]) -> str:
    return _("Choose one of: %(values)s.") % {"values": ", ".join(values)}


def _check_lengths(data: Demographics, problems: ProblemSet) -> None:
    # The form and the API cap lengths too; this keeps any other caller from reaching a
    # database error instead of a message.
    for name, value in vars(data).items():
        if not isinstance(value, str):
            continue
        limit = Patient._meta.get_field(name).max_length
        if limit and len(value) > limit:
            problems.add(name, "too_long",
                         _("Keep this to %(limit)s characters or fewer.") % {"limit": limit})


def validate_demographics(data: Demographics, *, today: date) -> None:
    problems = ProblemSet()
    _check_lengths(data, problems)
    if not data.legal_given_name:
        problems.add("legal_given_name", "required", _("Enter the legal first name."))
    if not data.legal_family_name:
        problems.add("legal_family_name", "required", _("Enter the legal last name."))
    if data.date_of_birth > today:
        problems.add("date_of_birth", "future_date", _("The date of birth cannot be in the future."))
    elif today.year - data.date_of_birth.year > MAX_AGE_YEARS:
        problems.add("date_of_birth", "implausible_date",
                     _("The date of birth makes this person older than %(years)s; check it.")
                     % {"years": MAX_AGE_YEARS})
    if data.sex_at_birth not in SexAtBirth.values:
        problems.add("sex_at_birth", "invalid_choice",
                     _choose(SexAtBirth.values))
    if data.payer not in Payer.values:
        problems.add("payer", "invalid_choice", _choose(Payer.values))
    for name in ("phone", "emergency_contact_phone"):
        value = getattr(data, name)
        digits = [ch for ch in value if ch.isdigit()]
        if value and not 7 <= len(digits) <= 15:
            problems.add(name, "invalid_phone", _("Enter a phone number with 7 to 15 digits."))
    problems.raise_if_any()


def possible_duplicates(*, program: Program, given: str, family: str, date_of_birth: date,
                        exclude: Patient | None = None) -> list[Patient]:
    """Patients with the same date of birth and a similar name."""
    same_birthday = Patient.objects.filter(program=program, date_of_birth=date_of_birth)
    if exclude is not None:
        same_birthday = same_birthday.exclude(pk=exclude.pk)
    wanted = fold(f"{given} {family}")
    return [p for p in same_birthday.select_related("home_clinic")
            if similarity(wanted, fold(f"{p.legal_given_name} {p.legal_family_name}"))
            >= DUPLICATE_NAME_SIMILARITY]


def _next_mrn(program: Program) -> str:
    locked = Program.objects.select_for_update().get(pk=program.pk)
    number = locked.next_mrn
    Program.objects.filter(pk=program.pk).update(next_mrn=number + 1)
    return f"{locked.mrn_prefix}{number:06d}"


@transaction.atomic
def patient_register(*, actor: Actor, clinic: Clinic, data: Demographics,
                     photo: UploadedFile | None = None,
                     duplicates_reviewed: bool = False) -> Patient:
    """Register a person at a clinic. Refuses a likely duplicate unless staff reviewed it."""
    access.require(actor.user, Capability.REGISTER_PATIENT, clinic.id)
    data = data.cleaned()
    validate_demographics(data, today=today_at(clinic.tz))
    if photo is not None:
        validate_photo(photo)
    duplicates = possible_duplicates(program=clinic.program, given=data.legal_given_name,
                                     family=data.legal_family_name,
                                     date_of_birth=data.date_of_birth)
    if duplicates and not duplicates_reviewed:
        raise PossibleDuplicate(duplicates)
    patient = Patient(program=clinic.program, home_clinic=clinic, mrn=_next_mrn(clinic.program),
                      **vars(data))
    patient.search_name = search_name(data.legal_given_name, data.legal_family_name,
                                      data.preferred_name)
    if photo is not None:
        patient.photo.save(f"{patient.uuid}.jpg", photo, save=False)
    patient.save()
    record(actor=actor, action=Action.CREATE, object_type="patient", object_id=patient.uuid,
           patient=patient, data_category=DataCategory.DEMOGRAPHICS, clinic=clinic,
           detail={"mrn": patient.mrn,
                   "duplicates_reviewed": [p.mrn for p in duplicates]})
    return patient


class PossibleDuplicate(ValidationFailed):
    def __init__(self, candidates: list[Patient]):
        self.candidates = candidates
        names = ", ".join(f"{p.legal_name} ({p.mrn})" for p in candidates)
        super().__init__(
            _("This may be someone already registered: %(names)s. Open that record, or "
              "confirm that this is a different person.") % {"names": names},
            code="possible_duplicate", field=None)


@transaction.atomic
def patient_update(*, actor: Actor, patient: Patient, data: Demographics,
                   photo: UploadedFile | None = None) -> Patient:
    access.require(actor.user, Capability.REGISTER_PATIENT, patient.home_clinic_id)
    data = data.cleaned()
    validate_demographics(data, today=today_at(patient.home_clinic.tz))
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    changes = _diff(patient, vars(data))
    if photo is not None:
        validate_photo(photo)
        patient.photo.save(f"{patient.uuid}.jpg", photo, save=False)
        changes["photo"] = {"old": "(previous photo)", "new": "(new photo)"}
    if not changes:
        return patient
    for name, value in vars(data).items():
        setattr(patient, name, value)
    patient.search_name = search_name(data.legal_given_name, data.legal_family_name,
                                      data.preferred_name)
    patient.save()
    record(actor=actor, action=Action.UPDATE, object_type="patient", object_id=patient.uuid,
           patient=patient, data_category=DataCategory.DEMOGRAPHICS,
           detail={"changes": changes})
    return patient


def _diff(instance: Any, new_values: dict[str, Any]) -> dict[str, dict[str, str]]:
    changes = {}
    for name, new in new_values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = {"old": str(old), "new": str(new)}
    return changes


def _check_episode_dates(day: date, clinic: Clinic, field: str) -> None:
    if day > today_at(clinic.tz):
        raise ValidationFailed(_("The date cannot be in the future."), code="future_date",
                               field=field)


@transaction.atomic
def episode_admit(*, actor: Actor, patient: Patient, clinic: Clinic, program_type: str,
                  admitted_on: date, readmission_of: Episode | None = None) -> Episode:
    """Open an episode of care. The database allows one open episode per program."""
    access.require(actor.user, Capability.MANAGE_EPISODES, clinic.id)
    if program_type not in ProgramType.values:
        raise ValidationFailed(_choose(ProgramType.values),
                               code="invalid_choice", field="program_type")
    _check_episode_dates(admitted_on, clinic, "admitted_on")
    if admitted_on < patient.date_of_birth:
        raise ValidationFailed(_("The admission cannot be before the date of birth."),
                               code="before_birth", field="admitted_on")
    last = patient.episodes.filter(discharged_on__isnull=False).order_by("-discharged_on").first()
    if last and admitted_on < last.discharged_on:
        raise ValidationFailed(
            _("The admission cannot be before the last discharge (%(date)s).")
            % {"date": last.discharged_on},
            code="overlaps_previous_episode", field="admitted_on")
    episode = Episode(patient=patient, program=clinic.program, clinic=clinic,
                      program_type=program_type, admitted_on=admitted_on,
                      admitted_by=actor.user, readmission_of=readmission_of)
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:
        raise Conflict(_("This person already has an open episode in this program; "
                         "discharge it first."), code="episode_already_open") from None
    if patient.home_clinic_id != clinic.id:
        Patient.objects.filter(pk=patient.pk).update(home_clinic=clinic)
        patient.home_clinic = clinic
    record(actor=actor, action=Action.CREATE, object_type="episode", object_id=episode.uuid,
           patient=patient, data_category=DataCategory.SUD_TREATMENT, clinic=clinic,
           detail={"program_type": program_type, "admitted_on": admitted_on.isoformat(),
                   "readmission_of": str(readmission_of.uuid) if readmission_of else None})
    return episode


@transaction.atomic
def episode_discharge(*, actor: Actor, episode: Episode, discharged_on: date, reason: str,
                      note: str = "") -> Episode:
    access.require(actor.user, Capability.MANAGE_EPISODES, episode.clinic_id)
    episode = Episode.objects.select_for_update().select_related("clinic").get(pk=episode.pk)
    if not episode.is_open:
        raise Conflict(_("This episode is already closed."), code="episode_closed")
    if reason not in DischargeReason.values:
        raise ValidationFailed(_("Choose a discharge reason."), code="invalid_choice",
                               field="reason")
    _check_episode_dates(discharged_on, episode.clinic, "discharged_on")
    if discharged_on < episode.admitted_on:
        raise ValidationFailed(
            _("The discharge cannot be before the admission (%(date)s).")
            % {"date": episode.admitted_on},
            code="discharge_before_admission", field="discharged_on")
    episode.discharged_on = discharged_on
    episode.discharge_reason = reason
    episode.discharge_note = note.strip()
    episode.discharged_by = actor.user
    episode.save(update_fields=["discharged_on", "discharge_reason", "discharge_note",
                                "discharged_by"])
    record(actor=actor, action=Action.UPDATE, object_type="episode", object_id=episode.uuid,
           patient=episode.patient, data_category=DataCategory.SUD_TREATMENT,
           clinic=episode.clinic,
           detail={"discharged_on": discharged_on.isoformat(), "reason": reason})
    return episode


def episode_readmit(*, actor: Actor, patient: Patient, clinic: Clinic, program_type: str,
                    admitted_on: date) -> Episode:
    previous = patient.episodes.filter(discharged_on__isnull=False).order_by(
        "-discharged_on").first()
    if previous is None:
        raise ValidationFailed(_("There is no earlier episode to readmit from; admit instead."),
                               code="no_previous_episode")
    return episode_admit(actor=actor, patient=patient, clinic=clinic,
                         program_type=program_type, admitted_on=admitted_on,
                         readmission_of=previous)


@transaction.atomic
def pregnancy_record(*, actor: Actor, patient: Patient, is_pregnant: bool,
                     estimated_due_date: date | None, note: str = "") -> PregnancyRecord:
    access.require(actor.user, Capability.RECORD_PREGNANCY, patient.home_clinic_id)
    if not is_pregnant and estimated_due_date:
        raise ValidationFailed(_("A due date only goes with a current pregnancy."),
                               code="due_date_without_pregnancy", field="estimated_due_date")
    if is_pregnant and estimated_due_date:
        today = today_at(patient.home_clinic.tz)
        if not (today.toordinal() - 31 <= estimated_due_date.toordinal() <= today.toordinal() + 300):
            raise ValidationFailed(_("The due date must be within the next ten months."),
                                   code="implausible_due_date", field="estimated_due_date")
    entry = PregnancyRecord.objects.create(
        patient=patient, is_pregnant=is_pregnant, estimated_due_date=estimated_due_date,
        note=note.strip(), recorded_at=now(), recorded_by=actor.user)
    record(actor=actor, action=Action.CREATE, object_type="pregnancy", object_id=entry.pk,
           patient=patient, data_category=DataCategory.CLINICAL,
           detail={"is_pregnant": is_pregnant,
                   "estimated_due_date": estimated_due_date.isoformat()
                   if estimated_due_date else None})
    return entry
