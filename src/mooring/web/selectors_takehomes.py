"""Page-shaping reads for the take-home pages.

The decisions (which dates may go home, what is due back) come from
:mod:`mooring.takehomes.selectors` and the rules core; these functions gather them for the
templates in a number of queries that does not grow with the number of people. Clinic-wide
lists name patients, so each is recorded in the audit log as one read, like the dispensing
log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.time import now
from mooring.inventory.models import StockBottle
from mooring.inventory.selectors import usable_bottles
from mooring.medications import rules_bridge as medication_rules
from mooring.medications.models import MedicationOrder
from mooring.patients.models import Patient
from mooring.rules.profiles import ProtocolProfile
from mooring.rules.take_homes import TakeHomeDecision, TakeHomePlan
from mooring.takehomes import rules_bridge
from mooring.takehomes.models import (
    BottleStatus,
    TakeHomeBottle,
    TakeHomeConcern,
    TakeHomeRecall,
)
from mooring.takehomes.selectors import (
    TakeHomeDue,
    open_concerns,
    open_recalls,
    returns_due,
    takehomes_due,
)

# How far past the rule's plan the date picker reaches: enough to ask for one day too many
# and see the rule refuse it, not a year of checkboxes.
EXTRA_DAYS_OFFERED = 7


@dataclass
class IssueEntry:
    """One order's take-home answer at the window, with what the form may offer."""

    due: TakeHomeDue
    bottles: list[StockBottle]
    day_choices: list[tuple[date, str]]
    refusal: str = ""  # the rule's sentence when nothing may go home

    @property
    def order(self) -> MedicationOrder:
        return self.due.order

    @property
    def eligibility(self) -> TakeHomeDecision | None:
        return None if self.due.decision is None else self.due.decision.eligibility

    @property
    def plan(self) -> TakeHomePlan | None:
        return None if self.due.decision is None else self.due.decision.plan

    @property
    def unmet_findings(self) -> list[str]:
        if self.due.decision is None:
            return []
        return [
            rules_bridge.cite(f)
            for f in self.due.decision.findings
            if f.code == "take_homes.criteria_unmet"
        ]

    @property
    def cited_findings(self) -> list[tuple[str, str]]:
        if self.due.decision is None:
            return []
        return [(f.code, rules_bridge.cite(f)) for f in self.due.decision.findings]


@dataclass
class IssuePage:
    profile: ProtocolProfile
    entries: list[IssueEntry]


def issue_page(patient: Patient, clinic: Clinic, today: date) -> IssuePage:
    """The rule's answer for each of the patient's orders today, and the choices to offer."""
    profile = medication_rules.profile_for(clinic)
    closed = rules_bridge.closed_dates([clinic.pk], today)[clinic.pk]
    entries = []
    for due in takehomes_due(clinic, today, patient=patient):
        bottles = list(usable_bottles(clinic, on=today, medication=due.order.medication))
        last = max(due.allowed_dates, default=today)
        span = (last - today).days + EXTRA_DAYS_OFFERED
        closed_days = set() if due.decision is None else set(due.decision.plan.closed_day_dates)
        choices = []
        for n in range(1, span + 1):
            day = today + timedelta(days=n)
            if not due.order.is_active_on(day):
                continue
            # Issued dates stay offered (unticked): a resent form must still parse, so the
            # service can answer it with the first hand-over's bottles.
            note = ""
            if day in due.issued:
                note = _("already issued")
            elif day in closed_days:
                note = _("clinic closed: closed-day dose")
            elif day in closed:
                note = _("clinic closed")
            choices.append((day, day_label(day, note)))
        entry = IssueEntry(due, bottles, choices)
        if due.reason == "no_assessment":
            entry.refusal = rules_bridge.no_assessment_message(profile)
        elif due.decision is not None and not due.allowed_dates:
            entry.refusal = " ".join(cite for _code, cite in entry.cited_findings)
        entries.append(entry)
    return IssuePage(profile, entries)


def day_label(day: date, note: str = "") -> str:
    """A date as the picker shows it: weekday, short date, and why it is special."""
    text = f"{formats.date_format(day, 'l')} {formats.date_format(day, 'SHORT_DATE_FORMAT')}"
    return f"{text} · {note}" if note else text


# The clinic worklist ---------------------------------------------------------------------


@dataclass
class Worklist:
    bottles_out: list[TakeHomeBottle]
    due_back: list[TakeHomeBottle]
    recalls: list[TakeHomeRecall]
    concerns: list[TakeHomeConcern]
    now: object = None


def bottles_out(clinic: Clinic, today: date) -> QuerySet[TakeHomeBottle]:
    """Bottles handed over here whose date has not passed yet (the people hold them)."""
    return (
        TakeHomeBottle.objects.filter(
            clinic=clinic, status=BottleStatus.ISSUED, for_date__gte=today
        )
        .select_related("patient", "order")
        .order_by("for_date", "patient__legal_family_name", "patient__legal_given_name", "id")
    )


def worklist(actor: Actor, clinic: Clinic, today: date) -> Worklist:
    """Bottles out, due back, open recalls and concerns at ``clinic`` (constant queries)."""
    page = Worklist(
        bottles_out=list(bottles_out(clinic, today)),
        due_back=list(returns_due(clinic, today)),
        recalls=list(open_recalls(clinic)),
        concerns=list(open_concerns(clinic)),
        now=now(),
    )
    patients = {b.patient.mrn for b in page.bottles_out + page.due_back}
    patients |= {r.patient.mrn for r in page.recalls} | {c.patient.mrn for c in page.concerns}
    record(
        actor=actor,
        action=Action.READ,
        object_type="takehome_worklist",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={"day": today, "patients": sorted(patients)},
    )
    return page


# The report ------------------------------------------------------------------------------


@dataclass
class Report:
    start: date
    end: date
    bottles: list[TakeHomeBottle]
    counts: dict[str, int] = field(default_factory=dict)
    total_mg: Decimal = Decimal(0)


def takehome_report(actor: Actor, clinic: Clinic, start: date, end: date) -> Report:
    """Take-home bottles issued here for dates in ``[start, end]`` and how each came back."""
    bottles = list(
        TakeHomeBottle.objects.filter(clinic=clinic, for_date__gte=start, for_date__lte=end)
        .select_related("patient", "order", "issued_by", "return_check__checked_by")
        .order_by("for_date", "patient__legal_family_name", "patient__legal_given_name", "id")
    )
    counts = Counter(b.status for b in bottles)
    report = Report(
        start,
        end,
        bottles,
        counts={s.value: counts.get(s.value, 0) for s in BottleStatus},
        total_mg=sum((b.amount_mg for b in bottles), start=Decimal(0)),
    )
    record(
        actor=actor,
        action=Action.READ,
        object_type="takehome_report",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={
            "start": start,
            "end": end,
            "bottles": len(bottles),
            "patients": sorted({b.patient.mrn for b in bottles}),
        },
    )
    return report
