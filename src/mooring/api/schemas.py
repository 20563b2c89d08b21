"""Request and response shapes. Public ids are UUIDs (and MRNs), never database ids.

Input is strict-ish: unknown fields are refused, text must be text, booleans must be
booleans, dates must be ISO ``YYYY-MM-DD`` strings; choices list their allowed values in
the OpenAPI document. The rules themselves (names required, no future birth date, ...) stay
in ``patients.services`` so the form and the API give the same answers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, StrictBool, StrictStr
from pydantic_core import PydanticCustomError

from mooring.patients.models import DischargeReason, Patient, Payer, ProgramType, SexAtBirth

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PydanticCustomError("invalid_date", "Enter the date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("invalid_date", "This is not a real date.") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _choices(enum: Any) -> str:
    return "; ".join(f"{value} = {label}" for value, label in enum.choices)


def _limit(name: str) -> int:
    return Patient._meta.get_field(name).max_length  # type: ignore[return-value]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# --- shared pieces -------------------------------------------------------------------------


class ClinicRef(Schema):
    uuid: UUID
    name: str


class StaffRef(Schema):
    uuid: UUID
    name: str


class Problem(Schema):
    """An error, as application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    code: str = Field(description="Stable, machine-readable cause, e.g. possible_duplicate.")
    detail: str
    instance: str = ""
    errors: list[FieldError] = []


class FieldError(Schema):
    field: str | None = Field(description="Path of the field at fault, e.g. date_of_birth.")
    code: str
    message: str


class DuplicateCandidate(Schema):
    uuid: UUID
    mrn: str


# --- patients ------------------------------------------------------------------------------


def _text(name: str, *, required: bool = False, **kwargs: Any) -> Any:
    default = ... if required else ""
    return Field(default, max_length=_limit(name), **kwargs)


class PatientFields(Input):
    """The demographics the registration form takes (``patients.services.Demographics``)."""

    legal_given_name: StrictStr = _text("legal_given_name", required=True)
    legal_family_name: StrictStr = _text("legal_family_name", required=True)
    date_of_birth: IsoDate
    sex_at_birth: SexAtBirth = Field(description=_choices(SexAtBirth))
    payer: Payer = Field(description=_choices(Payer))
    preferred_name: StrictStr = _text("preferred_name")
    gender_identity: StrictStr = _text("gender_identity")
    pronouns: StrictStr = _text("pronouns")
    preferred_language: StrictStr = Field("English", max_length=_limit("preferred_language"))
    phone: StrictStr = _text("phone")
    address_line: StrictStr = _text("address_line")
    city: StrictStr = _text("city")
    state: StrictStr = _text("state")
    postal_code: StrictStr = _text("postal_code")
    emergency_contact_name: StrictStr = _text("emergency_contact_name")
    emergency_contact_phone: StrictStr = _text("emergency_contact_phone")
    emergency_contact_relationship: StrictStr = _text("emergency_contact_relationship")


class PatientCreate(PatientFields):
    duplicates_reviewed: StrictBool = Field(
        False,
        description="Set after checking the candidates a possible_duplicate problem "
        "listed: this is a different person.",
    )


def _optional_text(name: str) -> Any:
    return Field(None, max_length=_limit(name))


class PatientPatch(Input):
    """Only the fields given change; ``null`` clears an optional text field."""

    legal_given_name: StrictStr | None = _optional_text("legal_given_name")
    legal_family_name: StrictStr | None = _optional_text("legal_family_name")
    date_of_birth: IsoDate | None = None
    sex_at_birth: SexAtBirth | None = Field(None, description=_choices(SexAtBirth))
    payer: Payer | None = Field(None, description=_choices(Payer))
    preferred_name: StrictStr | None = _optional_text("preferred_name")
    gender_identity: StrictStr | None = _optional_text("gender_identity")
    pronouns: StrictStr | None = _optional_text("pronouns")
    preferred_language: StrictStr | None = _optional_text("preferred_language")
    phone: StrictStr | None = _optional_text("phone")
    address_line: StrictStr | None = _optional_text("address_line")
    city: StrictStr | None = _optional_text("city")
    state: StrictStr | None = _optional_text("state")
    postal_code: StrictStr | None = _optional_text("postal_code")
    emergency_contact_name: StrictStr | None = _optional_text("emergency_contact_name")
    emergency_contact_phone: StrictStr | None = _optional_text("emergency_contact_phone")
    emergency_contact_relationship: StrictStr | None = _optional_text(
        "emergency_contact_relationship"
    )


class PatientSummary(Schema):
    """One search result: enough to tell people apart, nothing clinical."""

    uuid: UUID
    mrn: str
    display_name: str
    legal_given_name: str
    legal_family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    home_clinic: ClinicRef


class PatientOut(Schema):
    """Demographics only; clinical detail lives behind other endpoints and capabilities."""

    uuid: UUID
    mrn: str
    display_name: str
    legal_given_name: str
    legal_family_name: str
    preferred_name: str
    date_of_birth: date
    sex_at_birth: SexAtBirth
    gender_identity: str
    pronouns: str
    preferred_language: str
    phone: str
    address_line: str
    city: str
    state: str
    postal_code: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relationship: str
    payer: Payer
    has_photo: bool
    home_clinic: ClinicRef
    created_at: datetime
    updated_at: datetime


class PatientList(Schema):
    count: int
    items: list[PatientSummary]


# --- episodes ------------------------------------------------------------------------------


class EpisodeAdmit(Input):
    """Admit at the acting clinic. A person with an earlier episode is readmitted."""

    program_type: ProgramType = Field(description=_choices(ProgramType))
    admitted_on: IsoDate


class EpisodeDischarge(Input):
    discharged_on: IsoDate
    reason: DischargeReason = Field(description="TEDS-D reason: " + _choices(DischargeReason))
    note: StrictStr = Field("", max_length=2000)


class EpisodeOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    program_type: ProgramType
    admitted_on: date
    admitted_by: StaffRef
    readmission_of: UUID | None
    is_open: bool
    discharged_on: date | None
    discharge_reason: DischargeReason | None
    discharge_note: str
    discharged_by: StaffRef | None


class EpisodeList(Schema):
    count: int
    items: list[EpisodeOut]


Problem.model_rebuild()
