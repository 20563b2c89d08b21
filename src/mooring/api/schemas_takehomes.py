"""Request and response shapes for take-home doses: eligibility, hand-overs, returns, recalls.

The rule (how many days, which dates) is the rules core's under the order clinic's protocol
profile; these shapes only carry its answer. Amounts come back as decimal strings, times with
their offset.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictStr

from mooring.api.schemas import ClinicRef, Input, IsoDate, StaffRef, _choices
from mooring.api.schemas_dosing import AwareDateTime, RuleFinding
from mooring.rules.profile_settings import TakeHomeCriterion
from mooring.takehomes.models import BottleStatus, RecallOutcome, ReturnOutcome

_CRITERIA = ", ".join(c.value for c in TakeHomeCriterion)


class PatientRef(Schema):
    uuid: UUID
    mrn: str
    display_name: str


# --- assessments ---------------------------------------------------------------------------


class AssessmentCreate(Input):
    criteria_met: list[StrictStr] = Field(
        ...,
        max_length=20,
        description="The take-home criteria the prescriber judges met (an empty list is a "
        f"valid assessment: none met). Known values: {_CRITERIA}; which ones the rule needs "
        "depends on the clinic's protocol profile.",
    )
    note: StrictStr = Field("", max_length=2000)


class AssessmentOut(Schema):
    uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    criteria_met: list[str]
    note: str
    protocol_profile: str
    assessed_by: StaffRef
    assessed_at: datetime


# --- bottles -------------------------------------------------------------------------------


class TakeHomeBottleOut(Schema):
    uuid: UUID
    code: str = Field(description="Printed on the label and read aloud, e.g. TH-7K3QX.")
    patient_uuid: UUID
    order_uuid: UUID
    medication: str
    for_date: date
    closed_day: bool = Field(description="Given under the profile's closed-day allowance.")
    amount_mg: Decimal
    volume_ml: Decimal | None
    lot: str
    stock_bottle: UUID
    status: str = Field(description=_choices(BottleStatus))
    issued_at: datetime
    issued_by: StaffRef


class BottleDue(TakeHomeBottleOut):
    patient: PatientRef


# --- eligibility ---------------------------------------------------------------------------


class EligibilityOrder(Schema):
    uuid: UUID
    medication: str
    daily_dose_mg: Decimal
    start_date: date
    end_date: date | None


class Eligibility(Schema):
    order: EligibilityOrder
    clinic: ClinicRef
    service_date: date = Field(description="Today at the order's clinic.")
    reason: str = Field(
        description="Empty when dates may go home today; otherwise why not: no_assessment, "
        "no_open_episode, takehome_not_allowed or rules_input_invalid."
    )
    profile: str | None
    days_in_treatment: int | None = Field(description="Admission date = day 0.")
    max_days: int | None = Field(description="The regular supply allowed now (0: none).")
    max_doses_per_week: int | None
    closed_day_allowed: bool | None
    unmet_criteria: list[str]
    allowed_dates: list[date] = Field(description="Every date that may get a bottle today.")
    closed_day_dates: list[date]
    uncovered_dates: list[date] = Field(
        description="Closed days the rule gives no dose for: a prescriber must act."
    )
    next_visit: date | None
    issued_dates: list[date] = Field(description="Dates after today already handed over.")
    pending_dates: list[date] = Field(description="Allowed dates with no bottle yet.")
    findings: list[RuleFinding]


class RecallOut(Schema):
    uuid: UUID
    patient: PatientRef
    clinic: ClinicRef
    reason: str
    due_by: datetime
    requested_by: StaffRef
    requested_at: datetime
    status: str
    outcome: str
    note: str
    bottles_seen: list[str] = Field(description="Codes of the bottles seen at the recall.")
    recorded_by: StaffRef | None
    recorded_at: datetime | None


class TakeHomes(Schema):
    patient_uuid: UUID
    assessment: AssessmentOut | None = Field(description="The latest assessment (it applies).")
    eligibility: list[Eligibility] = Field(description="One entry per active order.")
    bottles_out: list[TakeHomeBottleOut] = Field(
        description="Bottles the person should still hold (their date not yet passed)."
    )
    due_back: list[TakeHomeBottleOut] = Field(
        description="Bottles whose date has passed and that are not checked in yet."
    )
    open_recall: RecallOut | None


# --- issue ---------------------------------------------------------------------------------


class TakeHomeIssueCreate(Input):
    dates: list[IsoDate] = Field(
        ..., max_length=60, description="The dates to take home (each after today)."
    )
    stock_bottle: UUID = Field(description="The stock bottle drawn from, at the acting clinic.")
    idempotency_key: StrictStr | None = Field(
        None,
        max_length=80,
        description="The request key; or send the Idempotency-Key header. A retry with the "
        "same key returns the first hand-over's bottles and moves no stock.",
    )


class TakeHomeIssueOut(Schema):
    uuid: UUID
    order_uuid: UUID
    patient_uuid: UUID
    clinic: ClinicRef
    service_date: date
    protocol_profile: str
    days_in_treatment: int
    max_days: int
    findings: list[RuleFinding]
    issued_at: datetime
    issued_by: StaffRef
    bottles: list[TakeHomeBottleOut]
    labels: str = Field(description="Where to fetch the bottles' labels (a PDF).")


# --- returns, recalls, concerns ------------------------------------------------------------


class ReturnCreate(Input):
    outcome: ReturnOutcome = Field(description=_choices(ReturnOutcome))
    note: StrictStr = Field(
        "", max_length=2000, description="Required for tampered: say what was seen."
    )


class ConcernOut(Schema):
    uuid: UUID
    patient: PatientRef
    clinic: ClinicRef
    kind: str
    message: str
    bottle: str | None = Field(description="The bottle's code, for a bottle concern.")
    recall: UUID | None
    raised_by: StaffRef
    raised_at: datetime
    acknowledged_by: StaffRef | None
    acknowledged_at: datetime | None
    acknowledgement_note: str


class ReturnOut(Schema):
    uuid: UUID
    bottle: TakeHomeBottleOut
    outcome: str
    note: str
    checked_by: StaffRef
    checked_at: datetime
    concern: ConcernOut | None = Field(
        description="Raised for the prescriber when the bottle was not returned or tampered."
    )


class RecallCreate(Input):
    reason: StrictStr = Field(..., max_length=2000)
    due_by: AwareDateTime = Field(description="When every bottle must be in, with offset.")


class RecallOutcomeCreate(Input):
    outcome: RecallOutcome = Field(description=_choices(RecallOutcome))
    bottles_seen: list[UUID] = Field(
        [], max_length=100, description="Uuids of the patient's bottles presented."
    )
    bottles_retained: list[UUID] = Field(
        [],
        max_length=100,
        description="Those kept by the clinic (checked in as recalled); each must be seen.",
    )
    note: StrictStr = Field(
        "", max_length=2000, description="Required unless every bottle was presented."
    )


class ConcernAcknowledge(Input):
    note: StrictStr = Field(
        "", max_length=2000, description="What follows, e.g. a new take-home assessment."
    )


class RecallRecorded(RecallOut):
    concern: ConcernOut | None


class WorklistQuery(Schema):
    date: IsoDate | None = Field(None, description="Service date; default today at the clinic.")


class Worklist(Schema):
    clinic: ClinicRef
    service_date: date
    counts: dict[str, int]
    concerns: list[ConcernOut] = Field(description="Not yet acknowledged, oldest first.")
    recalls: list[RecallOut] = Field(description="Open recalls, soonest due first.")
    due_back: list[BottleDue] = Field(description="Bottles not checked in, oldest date first.")
