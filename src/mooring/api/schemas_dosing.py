"""Request and response shapes for orders, doses, the dosing queue and stock.

Amounts in milligrams and millilitres are decimals: send them as JSON strings ("30.00") or
numbers; they come back as strings so no precision is lost. The dose rules themselves
(positive, to 0.01 mg, split exactly, the protocol profile's limits) stay in the services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, StrictBool, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from mooring.api.schemas import ClinicRef, Input, IsoDate, StaffRef, _choices
from mooring.medications.models import (
    COWS_RANGE,
    DoseForm,
    DoseKind,
    LastOpioid,
    Medication,
    NaloxoneChallenge,
    OrderStatus,
    Phase,
)


def _amount(value: Any) -> Any:
    # bool is an int to Python; "true" mg is a mistake, not 1 mg.
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PydanticCustomError("invalid_type", "Send the amount as a decimal string or number.")
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise PydanticCustomError(
            "naive_datetime", "Give the time with its offset, e.g. 2026-03-02T09:15:00-05:00."
        )
    return value


AwareDateTime = Annotated[datetime, AfterValidator(_aware)]


# --- orders --------------------------------------------------------------------------------


class StartContext(Input):
    """What a start needs to know: required to sign a naltrexone start or a buprenorphine
    induction (else ``naltrexone.last_use_unknown`` / ``buprenorphine.last_use_unknown``,
    overridable with a reason). The COWS range is checked by the service (``out_of_range``).
    """

    last_opioid: LastOpioid | None = Field(
        None, description="The kind of the last opioid used: " + _choices(LastOpioid)
    )
    last_opioid_use_at: AwareDateTime | None = Field(
        None,
        description="When it was last used, with offset (e.g. 2026-03-01T19:00:00-05:00); "
        "give it with `last_opioid`.",
    )
    cows_score: StrictInt | None = Field(
        None,
        description="The latest COWS total; a buprenorphine induction needs it.",
        json_schema_extra={"minimum": COWS_RANGE[0], "maximum": COWS_RANGE[1]},
    )
    naloxone_challenge: NaloxoneChallenge | None = Field(
        None,
        description="A naloxone challenge before naltrexone, if done: "
        + _choices(NaloxoneChallenge),
    )

    def start_context(self) -> dict[str, Any]:
        return {
            "last_opioid": self.last_opioid.value if self.last_opioid else None,
            "last_opioid_use_at": self.last_opioid_use_at,
            "cows_score": self.cows_score,
            "naloxone_challenge": (
                self.naloxone_challenge.value if self.naloxone_challenge else None
            ),
        }


class OrderCreate(StartContext):
    """A draft order for the patient at the acting clinic; signing is a separate step."""

    medication: Medication = Field(description=_choices(Medication))
    form: DoseForm = Field(description=_choices(DoseForm))
    phase: Phase = Field(description=_choices(Phase))
    daily_dose_mg: Amount = Field(description="Total milligrams per day, to 0.01 mg.")
    start_date: IsoDate
    split: StrictInt = Field(1, description="Administrations per day; the dose divides evenly.")
    observed: StrictBool = True
    end_date: IsoDate | None = Field(None, description="First day not covered (exclusive).")


class OrderSign(Input):
    override_reason: StrictStr = Field(
        "",
        max_length=2000,
        description="Needed only to sign against an overridable rule refusal (see "
        "`rule_refused` problems, whose `overridable` says whether a reason may allow it).",
    )


class OrderChange(StartContext):
    """A new order replacing the current one from ``start_date``; omitted fields carry over
    (the start fields too)."""

    start_date: IsoDate
    daily_dose_mg: Amount | None = None
    split: StrictInt | None = None
    phase: Phase | None = Field(None, description=_choices(Phase))
    form: DoseForm | None = Field(None, description=_choices(DoseForm))
    observed: StrictBool | None = None
    end_date: IsoDate | None = None
    override_reason: StrictStr = Field("", max_length=2000)


class OrderEnd(Input):
    end_date: IsoDate = Field(description="First day without the medication (exclusive).")
    reason: StrictStr = Field(..., max_length=300)


class RuleFinding(Schema):
    code: str
    severity: str
    message: str
    evidence: list[str] = []
    profile: str = ""


class OrderOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    medication: Medication
    form: DoseForm
    phase: Phase
    daily_dose_mg: Decimal
    per_administration_mg: Decimal
    split: int
    observed: bool
    start_date: date
    end_date: date | None
    status: OrderStatus
    created_by: StaffRef
    prescriber: StaffRef | None
    signed_at: datetime | None
    protocol_profile: str
    rule_findings: list[RuleFinding]
    override_reason: str
    override_rule_codes: list[str]
    supersedes: UUID | None
    end_reason: str
    last_opioid: LastOpioid | None
    last_opioid_use_at: datetime | None
    cows_score: int | None
    naloxone_challenge: NaloxoneChallenge | None


class OrderList(Schema):
    count: int
    items: list[OrderOut]


# --- doses ---------------------------------------------------------------------------------


class DoseCreate(Input):
    """One observed administration of the order, given now (or back-entered)."""

    amount_mg: Amount = Field(description="Must equal the order's per-administration amount.")
    stock_bottle: UUID = Field(description="The bottle drawn from, at the acting clinic.")
    administration_index: StrictInt = Field(1, description="1 .. the order's split.")
    administered_at: AwareDateTime | None = Field(
        None, description="When it was given, with offset; default now."
    )
    back_entered: StrictBool = Field(
        False, description="Recorded after the fact (e.g. from the paper log during an outage)."
    )
    idempotency_key: StrictStr | None = Field(
        None,
        max_length=80,
        description="The request key; or send the Idempotency-Key header. A retry with the "
        "same key returns the first dose and moves no stock.",
    )


class DoseOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    order_uuid: UUID
    medication: Medication
    clinic: ClinicRef
    service_date: date
    administered_at: datetime
    amount_mg: Decimal
    administration_index: int
    kind: DoseKind
    nurse: StaffRef
    stock_bottle: UUID | None
    back_entered: bool
    entered_at: datetime


class DoseList(Schema):
    count: int
    items: list[DoseOut]


class DoseQuery(Schema):
    since: IsoDate | None = Field(None, description="First service date (inclusive).")
    until: IsoDate | None = Field(None, description="Last service date (inclusive).")
    limit: int = Field(100, ge=1, le=1000)


# --- the queue -----------------------------------------------------------------------------


class QueueQuery(Schema):
    date: IsoDate | None = Field(None, description="Service date; default today at the clinic.")


class QueuePatient(Schema):
    uuid: UUID
    mrn: str
    display_name: str
    date_of_birth: date


class QueueOrder(Schema):
    uuid: UUID
    medication: Medication
    form: DoseForm
    phase: Phase
    daily_dose_mg: Decimal
    per_administration_mg: Decimal
    split: int


class QueueDose(Schema):
    uuid: UUID
    administration_index: int
    amount_mg: Decimal
    administered_at: datetime


class Blocker(Schema):
    code: str
    message: str


class QueueEntry(Schema):
    patient: QueuePatient
    order: QueueOrder
    status: str = Field(
        description="dosed, due, partly_dosed, or the code of what blocks the dose "
        "(on_hold, appears_sedated, missed_doses_hold_for_review, ...)."
    )
    remaining: int
    blocker: Blocker | None
    doses: list[QueueDose]


class Queue(Schema):
    clinic: ClinicRef
    service_date: date
    count: int
    counts: dict[str, int]
    items: list[QueueEntry]


# --- stock ---------------------------------------------------------------------------------


class ProductOut(Schema):
    uuid: UUID
    code: str
    name: str
    medication: str
    form: str
    concentration_mg_per_ml: Decimal | None
    controlled: bool


class ProductList(Schema):
    count: int
    items: list[ProductOut]


class BottleOut(Schema):
    uuid: UUID
    label: str
    clinic: ClinicRef
    product: str = Field(description="The product code.")
    medication: str
    lot: str
    expires_on: date
    status: str
    opened_at: datetime | None
    balance_mg: Decimal
    balance_ml: Decimal | None


class BottleList(Schema):
    count: int
    items: list[BottleOut]


class BottleQuery(Schema):
    usable: bool = Field(
        False, description="Only bottles a nurse may draw from today (open first, then FEFO)."
    )
    medication: Medication | None = None


class ReceiptCreate(Input):
    product: StrictStr = Field(..., max_length=40, description="The product code.")
    supplier: StrictStr = Field(..., max_length=200)
    lot: StrictStr = Field(..., max_length=60)
    expires_on: IsoDate
    bottle_count: StrictInt = Field(..., ge=1, le=100)
    quantity_mg_per_bottle: Amount
    invoice_number: StrictStr = Field("", max_length=60)
    received_at: AwareDateTime | None = None


class ReceiptOut(Schema):
    uuid: UUID
    clinic: ClinicRef
    product: str
    supplier: str
    invoice_number: str
    lot: str
    expires_on: date
    quantity_mg_per_bottle: Decimal
    received_at: datetime
    received_by: StaffRef
    bottles: list[BottleOut]


class LedgerEntryOut(Schema):
    uuid: UUID
    kind: str
    delta_mg: Decimal
    delta_ml: Decimal | None
    balance_after_mg: Decimal
    occurred_at: datetime
    actor: StaffRef
    witness: StaffRef | None
    reason: str
    reverses: UUID | None
    reference: UUID | None


class Ledger(Schema):
    bottle: BottleOut
    count: int
    items: list[LedgerEntryOut]


class CountCreate(Input):
    """Liquids are counted in mL, solid forms in mg."""

    counted_ml: Amount | None = None
    counted_mg: Amount | None = None
    comment: StrictStr = Field("", max_length=2000)
    counted_at: AwareDateTime | None = None


class CountClose(Input):
    note: StrictStr = Field(..., max_length=2000)
    adjust: StrictBool = Field(
        True, description="Bring the book to the count with an adjustment entry."
    )


class CountOut(Schema):
    uuid: UUID
    bottle: UUID
    bottle_label: str
    service_date: date
    expected_mg: Decimal
    counted_mg: Decimal
    discrepancy_mg: Decimal
    expected_ml: Decimal | None
    counted_ml: Decimal | None
    comment: str
    status: str
    counted_by: StaffRef
    counted_at: datetime
    closed_by: StaffRef | None
    closed_at: datetime | None
    close_note: str
    adjustment: UUID | None


class CountList(Schema):
    count: int
    items: list[CountOut]
