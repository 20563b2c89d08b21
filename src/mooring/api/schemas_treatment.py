"""Request and response shapes for long-acting injections, withdrawal medicines and naloxone.

As for orders and doses (``schemas_dosing``): amounts in milligrams are decimals sent as JSON
strings ("380") or numbers and returned as strings; times carry their offset; orders are
named by their uuid. The clinical rules (windows, strengths, sites, daily limits, holds)
stay in the services, which answer with stable codes such as ``injection.not_yet_due``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from mooring.api.schemas import ClinicRef, Input, IsoDate, StaffRef, _choices
from mooring.api.schemas_dosing import Amount, AwareDateTime
from mooring.injections.products import InjectionProduct, InjectionSite
from mooring.medications.models import Medication
from mooring.naloxone.models import PRODUCTS, OfferOutcome, Recipient
from mooring.rules.naloxone import OfferEvent
from mooring.withdrawal.models import Hepatic, Renal

# The naloxone products are keyed by a slug of the rules core's names; list them all (a
# discontinued one is refused by the service with its own code, not as an unknown value).
NaloxoneProduct = StrEnum(  # type: ignore[misc]
    "NaloxoneProduct", {key.upper(): key for key in PRODUCTS}
)
_NALOXONE_PRODUCTS = "; ".join(
    f"{key} = {p.name} ({p.availability})" for key, p in PRODUCTS.items()
)
_OFFER_EVENTS = ", ".join(e.value for e in OfferEvent)


class Finding(Schema):
    """What a rule said: refusals that were overridden, and cautions recorded on the row."""

    code: str
    severity: str
    message: str
    evidence: list[str] = []
    profile: str | None = ""
    overridable: bool = False


class OrderBrief(Schema):
    uuid: UUID
    medication: Medication
    daily_dose_mg: Decimal
    per_administration_mg: Decimal
    split: int
    start_date: date
    end_date: date | None


class PatientBrief(Schema):
    uuid: UUID
    mrn: str
    display_name: str
    date_of_birth: date


# --- injections ----------------------------------------------------------------------------


class InjectionGive(Input):
    """One long-acting injection of a signed injectable order, given now (or earlier today)."""

    order: UUID = Field(
        description="The signed injectable order (naltrexone_xr, "
        "buprenorphine_xr_weekly, buprenorphine_xr_monthly)."
    )
    dose_mg: Amount = Field(description="A strength of the product, and the order's dose.")
    site: InjectionSite = Field(description=_choices(InjectionSite))
    lot: StrictStr = Field(..., max_length=60)
    expiry: IsoDate
    product: InjectionProduct | None = Field(
        None,
        description="Needed for the first monthly buprenorphine injection (which product "
        "it is); later injections follow it. " + _choices(InjectionProduct),
    )
    administered_at: AwareDateTime | None = Field(
        None, description="When it was given, with offset; default now."
    )
    note: StrictStr = Field("", max_length=2000)
    override_reason: StrictStr = Field(
        "",
        max_length=2000,
        description="A prescriber's reason to give against an overridable refusal "
        "(`injection.not_yet_due`: the problem's `overridable` is true).",
    )


class InjectionOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    order_uuid: UUID
    clinic: ClinicRef
    product: InjectionProduct
    injection_number: int
    administered_at: datetime
    service_date: date
    dose_mg: Decimal
    site: InjectionSite
    lot: str
    expiry: date
    given_by: StaffRef
    note: str
    earliest: date | None
    due: date | None
    latest: date | None
    timing: str = Field(description="not_yet_due, due or overdue when it was given.")
    protocol_profile: str
    rule_findings: list[Finding]
    override_reason: str
    override_rule_codes: list[str]
    entered_at: datetime


class InjectionSchedule(Schema):
    """An active injectable order and where its next injection stands."""

    order: OrderBrief
    product: InjectionProduct | None = Field(
        description="None for monthly buprenorphine before the first injection names it."
    )
    injections_given: int
    last_injection: date | None
    next_injection_number: int | None
    next_dose_mg: Decimal | None
    earliest: date | None
    due: date | None
    latest: date | None
    timing: str = Field(description="not_yet_due, due or overdue.")
    days_overdue: int
    findings: list[Finding]


class InjectionChart(Schema):
    as_of: date
    schedules: list[InjectionSchedule]
    count: int = Field(description="How many injections are in the history.")
    history: list[InjectionOut]


class DueQuery(Schema):
    overdue: bool = Field(
        False, description="Only those whose window has closed, most overdue first."
    )
    date: IsoDate | None = Field(None, description="As of this day; default today at the clinic.")


class DueEntry(InjectionSchedule):
    patient: PatientBrief


class DueList(Schema):
    clinic: ClinicRef
    as_of: date
    overdue_only: bool
    count: int
    counts: dict[str, int] = Field(description="Entries by timing.")
    items: list[DueEntry]


# --- withdrawal medicines ------------------------------------------------------------------


class WithdrawalDoseGive(Input):
    """One dose of a signed lofexidine or clonidine order (a course)."""

    order: UUID = Field(description="The signed lofexidine or clonidine order.")
    dose_mg: Amount = Field(description="Lofexidine in whole 0.18 mg tablets.")
    given_at: AwareDateTime | None = Field(None, description="With offset; default now.")
    pulse_bpm: StrictInt | None = Field(None, description="Taken with the blood pressure.")
    systolic_mmhg: StrictInt | None = None
    diastolic_mmhg: StrictInt | None = None
    note: StrictStr = Field("", max_length=2000)
    override_reason: StrictStr = Field(
        "",
        max_length=2000,
        description="A prescriber's reason to give against overridable refusals "
        "(e.g. `lofexidine.too_soon`).",
    )


class WithdrawalDoseOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    order_uuid: UUID
    clinic: ClinicRef
    medicine: str
    given_at: datetime
    service_date: date
    dose_mg: Decimal
    day_of_course: int
    given_by: StaffRef
    pulse_bpm: int | None
    systolic_mmhg: int | None
    diastolic_mmhg: int | None
    hepatic: Hepatic
    renal: Renal
    protocol_profile: str
    rule_findings: list[Finding]
    override_reason: str
    override_rule_codes: list[str]
    note: str
    entered_at: datetime


class CourseOut(Schema):
    """A course at a glance: its day, today's doses and what the day still allows."""

    order: OrderBrief
    profile: str
    day_of_course: int
    doses_today_mg: list[Decimal]
    given_today_mg: Decimal
    daily_max_mg: Decimal = Field(description="The lower of the rules' and the order's limit.")
    remaining_today_mg: Decimal
    taper_tablets_per_dose: list[int] = Field(
        description="Lofexidine: tablets per dose on each day of the taper."
    )
    clonidine_enabled: bool


class ImpairmentRecord(Input):
    hepatic: Hepatic = Field(description="Child-Pugh grade: " + _choices(Hepatic))
    renal: Renal = Field(description="eGFR grade: " + _choices(Renal))
    assessed_on: IsoDate
    note: StrictStr = Field("", max_length=2000)


class ImpairmentOut(Schema):
    uuid: UUID | None = Field(description="None when no grading is on record.")
    hepatic: Hepatic
    renal: Renal
    assessed_on: date | None
    note: str
    recorded_by: StaffRef | None


class WithdrawalChart(Schema):
    as_of: date
    courses: list[CourseOut]
    impairment: ImpairmentOut
    count: int
    doses: list[WithdrawalDoseOut]


class WithdrawalQuery(Schema):
    limit: int = Field(100, ge=1, le=1000, description="The newest doses, at most this many.")


# --- naloxone ------------------------------------------------------------------------------


class KitGive(Input):
    product: NaloxoneProduct = Field(description=_NALOXONE_PRODUCTS)  # type: ignore[valid-type]
    quantity: StrictInt = Field(1, description="How many kits, 1 to 10.")
    lot: StrictStr = Field(..., max_length=60)
    expiry: IsoDate
    given_at: AwareDateTime | None = Field(None, description="With offset; default now.")
    recipient: Recipient = Field(Recipient.PATIENT, description=_choices(Recipient))
    recipient_name: StrictStr = Field(
        "", max_length=150, description="A household member's name (with the relationship)."
    )
    recipient_relationship: StrictStr = Field("", max_length=60)
    training_recorded: StrictBool = Field(False, description="Shown how to use it.")
    training_note: StrictStr = Field("", max_length=2000)
    note: StrictStr = Field("", max_length=2000)


class KitOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    recipient: Recipient
    recipient_name: str
    recipient_relationship: str
    product: str
    product_name: str
    quantity: int
    lot: str
    expiry: date
    order_uuid: UUID | None = Field(
        description="The naloxone order a prescription-only kit was given against."
    )
    given_at: datetime
    given_by: StaffRef
    training_recorded: bool
    training_note: str
    note: str
    entered_at: datetime


class OfferRecord(Input):
    event: OfferEvent = Field(description="When the offer was made: " + _OFFER_EVENTS)
    outcome: OfferOutcome = Field(description=_choices(OfferOutcome))
    note: StrictStr = Field("", max_length=2000)


class OfferOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    event: str
    outcome: OfferOutcome
    note: str
    offered_at: datetime
    offered_by: StaffRef


class OfferDue(Schema):
    offer_to_household: bool
    products: list[str] = Field(description="Product keys that can be handed out now.")
    findings: list[Finding]


class NaloxoneChart(Schema):
    kits_given: int
    no_kit_on_record: bool
    last_kit: KitOut | None
    last_offer: date | None = Field(
        description="The last day a kit was given or an offer recorded."
    )
    event: str | None = Field(description="The newest offer event: " + _OFFER_EVENTS)
    event_date: date | None
    offer_due: bool
    offer: OfferDue | None
    kits: list[KitOut]
    offers: list[OfferOut]
