"""Page-shaping reads for the dosing window, the medication page and the stock pages.

Every decision (is this dose safe and due? why not?) comes from
:mod:`mooring.medications.selectors`; these functions only gather and shape it for the
templates, in a number of queries that does not grow with the length of a list.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.time import today_at
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.inventory.selectors import usable_bottles
from mooring.medications import rules_bridge
from mooring.medications.models import (
    DoseAdministration,
    DoseHold,
    DoseKind,
    GuestDosingArrangement,
    MedicationOrder,
    OrderStatus,
    PrescriberFlag,
    QtcMeasurement,
)
from mooring.medications.selectors import (
    Blocker,
    GuestNote,
    QueueEntry,
    QueueLine,
    active_holds,
    day_facts,
    dose_blocker,
    guest_arrangements_for,
    guest_note,
    queue_entries,
    queue_lines,
)
from mooring.patients.models import Patient
from mooring.patients.names import fold
from mooring.rules.methadone import MissedDoseAdvice, MissedDoseStatus

# What each queue status reads as at the window, and the filter group it falls in.
STATUS_LABELS = {
    "due": _("Due"),
    "partly_dosed": _("Partly dosed"),
    "dosed": _("Dosed"),
    "on_hold": _("On hold"),
    "appears_sedated": _("Appeared sedated"),
    "missed_doses_hold_for_review": _("Missed doses: prescriber review"),
    "missed_doses_reinduce": _("Missed doses: re-induction"),
    "order_not_signed": _("Order not signed"),
    "order_not_started": _("Order not started"),
    "order_ended": _("Order ended"),
    "guest_dosing_elsewhere": _("Dosing elsewhere"),
    "dosed_elsewhere_today": _("Dosed at another clinic today"),
    "take_home_issued_for_today": _("Take-home today"),
}
# Not dosed here today, and not a clinical hold: the dose is (or was) taken somewhere else.
ELSEWHERE = frozenset(
    {"guest_dosing_elsewhere", "dosed_elsewhere_today", "take_home_issued_for_today"}
)
FILTERS = {
    "due": _("Due"),
    "dosed": _("Dosed"),
    "held": _("Held or waiting for review"),
    "elsewhere": _("Take-home or dosing elsewhere"),
}
DOSE_CHART_DAYS = 90


def status_group(status: str) -> str:
    if status in ("due", "partly_dosed"):
        return "due"
    if status == "dosed":
        return "dosed"
    if status in ELSEWHERE:
        return "elsewhere"
    return "held"


# The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One order at the window today, ready to show."""

    entry: QueueEntry
    status: str
    group: str
    label: str

    @property
    def patient(self) -> Patient:
        return self.entry.patient

    @property
    def order(self) -> MedicationOrder:
        return self.entry.order

    @property
    def blocker(self) -> Blocker | None:
        return self.entry.blocker

    @property
    def guest(self) -> GuestNote | None:
        """The guest dosing arrangement as this clinic sees it (guest here, or away)."""
        return self.entry.guest

    @property
    def missed(self) -> MissedDoseAdvice | None:
        advice = self.entry.missed
        return advice if advice is not None and advice.status is not MissedDoseStatus.OK else None


# Rows drawn per page: the scan box finds anyone, so the page need not list everyone.
QUEUE_PAGE = 100


@dataclass
class Queue:
    # The rows on this page (``offset`` onwards, at most ``QUEUE_PAGE``).
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]
    query: str = ""
    status: str = ""
    # The MRN scanned or typed, when it named exactly one person in today's queue (uuid).
    exact: uuid.UUID | None = None
    # Whom to focus after a dose: the next person still due after the one just dosed.
    focus: uuid.UUID | None = None
    # How many rows the query and the status filter match, and where this page starts.
    matched: int = 0
    offset: int = 0

    @property
    def shown_to(self) -> int:
        """The position of the page's last row, counting from 1."""
        return self.offset + len(self.rows)

    @property
    def next_offset(self) -> int | None:
        return self.shown_to if self.shown_to < self.matched else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - QUEUE_PAGE, 0) if self.offset > 0 else None

    @property
    def remaining(self) -> int:
        return self.matched - self.shown_to


def queue_for(
    clinic: Clinic,
    service_date: date,
    *,
    query: str = "",
    status: str = "",
    after: str = "",
    offset: int | None = None,
) -> Queue:
    """Today's queue at ``clinic``, filtered by name or MRN and by status group, one page.

    Everyone is judged (:func:`queue_lines`: the counts, the scan, the filter and the focus
    cover the whole queue), but patients, orders and doses are loaded only for the page's
    rows. ``offset`` defaults to the first page, or to the page holding the person focused
    after a dose.
    """
    lines = queue_lines(clinic, service_date)
    groups = [status_group(line.status) for line in lines]
    counts = Counter(groups)
    query = query.strip()
    exact = None
    if query:
        wanted = query.upper()
        by_mrn = {line.patient_uuid for line in lines if line.mrn.upper() == wanted}
        if len(by_mrn) == 1:
            exact = by_mrn.pop()
    focus = _next_due(lines, groups, after) if after else None
    shown = [
        line
        for line, group in zip(lines, groups, strict=True)
        if _matches(line, query) and (not status or group == status)
    ]
    if offset is None:
        offset = 0
        position = next((n for n, line in enumerate(shown) if line.patient_uuid == focus), None)
        if position is not None:
            offset = position - position % QUEUE_PAGE
    offset = min(max(offset, 0), max(len(shown) - 1, 0))
    page = queue_entries(shown[offset : offset + QUEUE_PAGE], service_date)
    return Queue(
        rows=[_row(entry) for entry in page],
        total=len(lines),
        counts={key: counts.get(key, 0) for key in FILTERS},
        query=query,
        status=status,
        exact=exact,
        focus=focus,
        matched=len(shown),
        offset=offset,
    )


def _row(entry: QueueEntry) -> QueueRow:
    status = entry.status
    return QueueRow(entry, status, status_group(status), str(STATUS_LABELS.get(status, status)))


def _matches(line: QueueLine, query: str) -> bool:
    if not query:
        return True
    if query.upper() in line.mrn.upper():
        return True
    folded = fold(query)
    return all(token in line.search_name for token in folded.split())


def _next_due(lines: list[QueueLine], groups: list[str], after: str) -> uuid.UUID | None:
    """The first person still due after ``after`` in queue order (wrapping round)."""
    due = [line.patient_uuid for line, group in zip(lines, groups, strict=True) if group == "due"]
    if not due:
        return None
    uuids = [str(line.patient_uuid) for line in lines]
    if after not in uuids:
        return due[0]
    position = uuids.index(after)
    pairs = list(zip(lines, groups, strict=True))
    for line, group in pairs[position + 1 :] + pairs[: position + 1]:
        if group == "due" and str(line.patient_uuid) != after:
            return line.patient_uuid
    return None


# The dispense screen --------------------------------------------------------------------


@dataclass
class WindowOrder:
    """One active observed order of the person at the window, and what today allows."""

    order: MedicationOrder
    doses: list[DoseAdministration]
    blocker: Blocker | None
    missed: MissedDoseAdvice | None
    bottles: list[StockBottle]

    @property
    def remaining(self) -> int:
        return max(self.order.split - len(self.doses), 0)

    @property
    def next_index(self) -> int:
        given = {d.administration_index for d in self.doses}
        return next((i for i in range(1, self.order.split + 1) if i not in given), 0)

    @property
    def can_dose(self) -> bool:
        return self.blocker is None and self.remaining > 0 and bool(self.bottles)


@dataclass
class Window:
    patient: Patient
    service_date: date
    orders: list[WindowOrder]
    holds: list[DoseHold]
    takehomes: Any = None  # a takehomes.selectors.TakeHomeDue, once that app is installed
    returns: list[Any] = field(default_factory=list)
    takehomes_installed: bool = False
    # A guest dosing arrangement in force today, as this clinic sees it.
    guest: GuestNote | None = None


def window_for(patient: Patient, clinic: Clinic, service_date: date) -> Window:
    """What the nurse needs beside the person: orders, today's doses, holds, bottles.

    Every order is judged for ``clinic``, the clinic giving the dose: a guest is dosed at
    the host from the home clinic's order, and stopped at home while dosing elsewhere.
    """
    orders = list(
        MedicationOrder.objects.filter(
            patient=patient,
            observed=True,
            start_date__lte=service_date,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=service_date))
        .select_related("prescriber", "clinic", "patient")
        .order_by("medication", "id")
    )
    doses: dict[int, list[DoseAdministration]] = {o.pk: [] for o in orders}
    for dose in DoseAdministration.objects.filter(
        order__in=orders, service_date=service_date, kind=DoseKind.OBSERVED
    ).select_related("nurse", "stock_bottle"):
        doses[dose.order_id].append(dose)
    holds = list(active_holds([patient.pk], service_date).select_related("placed_by"))
    rows = []
    for order in orders:
        profile = rules_bridge.profile_for(order.clinic)
        facts = day_facts(order, service_date, clinic=clinic, holds=holds)
        blocker, advice = dose_blocker(order, service_date, facts, profile)
        bottles = list(usable_bottles(clinic, on=service_date, medication=order.medication))
        if advice is not None and advice.status is MissedDoseStatus.OK:
            advice = None
        rows.append(WindowOrder(order, doses[order.pk], blocker, advice, bottles))
    window = Window(
        patient=patient,
        service_date=service_date,
        orders=rows,
        holds=holds,
        guest=guest_note(patient, service_date, clinic),
    )
    _add_takehomes(window, clinic)
    return window


def _add_takehomes(window: Window, clinic: Clinic) -> None:
    """Take-homes due and bottles due back, from the take-homes app once it is installed."""
    if not apps.is_installed("mooring.takehomes"):
        return
    from mooring.takehomes import selectors as takehomes  # noqa: PLC0415 (optional app)

    window.takehomes_installed = True
    due = takehomes.takehomes_due(clinic, window.service_date, patient=window.patient)
    window.takehomes = due[0] if due else None
    window.returns = list(
        takehomes.returns_due(clinic, window.service_date, patient=window.patient)
    )


# The medication page --------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    x: int
    y: int
    day: date
    mg: Decimal


@dataclass
class DoseChart:
    """An SVG-ready line of daily totals over the last days (coordinates in the viewBox)."""

    points: list[ChartPoint]
    width: int = 600
    height: int = 160
    top_mg: Decimal = Decimal(0)
    start: date | None = None
    end: date | None = None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def baseline(self) -> int:
        return self.height - 20


def dose_chart(patient: Patient, today: date, days: int = DOSE_CHART_DAYS) -> DoseChart:
    """Daily milligrams given over the last ``days`` days, scaled to an SVG viewBox."""
    start = today - timedelta(days=days - 1)
    totals: dict[date, Decimal] = {}
    for day, amount in DoseAdministration.objects.filter(
        patient=patient, service_date__gte=start, service_date__lte=today
    ).values_list("service_date", "amount_mg"):
        totals[day] = totals.get(day, Decimal(0)) + amount
    chart = DoseChart(points=[], start=start, end=today)
    if not totals:
        return chart
    top = max(totals.values())
    chart.top_mg = top
    left, right, top_pad = 40, chart.width - 10, 10
    span = chart.baseline - top_pad
    for day in sorted(totals):
        x = left + round((right - left) * (day - start).days / max(days - 1, 1))
        y = chart.baseline - round(span * totals[day] / top)
        chart.points.append(ChartPoint(x, y, day, totals[day]))
    return chart


@dataclass(frozen=True)
class CurrentOrder:
    order: MedicationOrder
    # Why the window would not dose today (a missed-dose review is the prescriber's to do).
    blocker: Blocker | None

    @property
    def needs_review(self) -> bool:
        return self.blocker is not None and self.blocker.code.startswith("missed_doses_")


@dataclass
class MedicationPage:
    history: list[MedicationOrder]
    current: list[CurrentOrder]
    drafts: list[MedicationOrder]
    holds: list[DoseHold]
    flags: list[PrescriberFlag]
    qtc: list[QtcMeasurement]
    chart: DoseChart
    today: date


def medication_page(patient: Patient, today: date, clinic: Clinic | None = None) -> MedicationPage:
    """Everything the prescriber's page shows for one person (a fixed number of queries).

    Whether the window would dose today is judged for ``clinic`` (default: the order's).
    """
    history = list(
        MedicationOrder.objects.filter(patient=patient)
        .select_related("prescriber", "created_by", "supersedes", "clinic", "patient")
        .order_by("-start_date", "-id")
    )
    holds = list(active_holds([patient.pk], today).select_related("placed_by"))
    return MedicationPage(
        history=[o for o in history if o.is_signed],
        current=[
            CurrentOrder(o, _blocker(o, today, clinic, holds))
            for o in history
            if o.is_active_on(today)
        ],
        drafts=[o for o in history if not o.is_signed],
        holds=holds,
        flags=list(
            PrescriberFlag.objects.filter(patient=patient, acknowledged_at__isnull=True)
            .select_related("raised_by")
            .order_by("raised_at", "id")
        ),
        qtc=list(QtcMeasurement.objects.filter(patient=patient).select_related("recorded_by")[:5]),
        chart=dose_chart(patient, today),
        today=today,
    )


def _blocker(
    order: MedicationOrder, today: date, clinic: Clinic | None, holds: list[DoseHold]
) -> Blocker | None:
    profile = rules_bridge.profile_for(order.clinic)
    facts = day_facts(order, today, clinic=clinic, holds=holds)
    return dose_blocker(order, today, facts, profile)[0]


def order_of(patient: Patient, order_uuid: object) -> MedicationOrder:
    """One order of a patient already fetched through the access funnel (404 otherwise)."""
    return MedicationOrder.objects.select_related("patient", "clinic").get(
        patient=patient, uuid=order_uuid
    )


# Guest dosing ---------------------------------------------------------------------------

GUEST_STATUS_LABELS = {
    "current": _("Current"),
    "future": _("Arranged"),
    "past": _("Ended"),
    "cancelled": _("Cancelled"),
}


@dataclass(frozen=True)
class GuestRow:
    """One guest dosing arrangement as the page lists it."""

    arrangement: GuestDosingArrangement
    status: str
    # The clinic asking (the home or the host clinic) may cancel it now.
    cancellable: bool

    @property
    def label(self) -> str:
        return str(GUEST_STATUS_LABELS[self.status])


@dataclass
class GuestPage:
    rows: list[GuestRow]
    # The home clinic's day: the services judge "past" and "cancel from" by it.
    today: date
    # Only the home clinic arranges; the host may only cancel.
    is_home: bool
    hosts: list[Clinic]
    orders: list[MedicationOrder]


def guest_page(patient: Patient, clinic: Clinic) -> GuestPage:
    """A person's guest dosing arrangements and what ``clinic`` may do (three queries).

    ``hosts`` are the program's other clinics; ``orders`` the home clinic's signed observed
    orders not ended by today, for choosing the one the host gives. The services decide.
    """
    home = patient.home_clinic
    today = today_at(home.tz)
    rows = []
    for arrangement in guest_arrangements_for(patient):
        status = _guest_status(arrangement, today)
        mine = clinic.pk in (arrangement.home_clinic_id, arrangement.host_clinic_id)
        rows.append(GuestRow(arrangement, status, mine and status in ("current", "future")))
    is_home = clinic.pk == home.pk
    return GuestPage(
        rows=rows,
        today=today,
        is_home=is_home,
        hosts=list(
            Clinic.objects.filter(program_id=home.program_id).exclude(pk=home.pk).order_by("name")
        )
        if is_home
        else [],
        orders=list(
            MedicationOrder.objects.filter(
                patient=patient, clinic=home, observed=True, status=OrderStatus.SIGNED
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
            .order_by("medication", "start_date", "id")
        )
        if is_home
        else [],
    )


def _guest_status(arrangement: GuestDosingArrangement, today: date) -> str:
    if arrangement.cancelled_at is not None:
        return "cancelled"
    if arrangement.end_date <= today:
        return "past"
    return "current" if arrangement.start_date <= today else "future"


# Stock ----------------------------------------------------------------------------------


def clinic_bottles(clinic: Clinic, *, include_empty: bool = False) -> QuerySet[StockBottle]:
    bottles = StockBottle.objects.filter(clinic=clinic).select_related("product")
    if not include_empty:
        bottles = bottles.exclude(status="empty")
    return bottles.order_by("product__name", "expires_on", "label")


def dispensing_log(actor: Actor, clinic: Clinic, day: date) -> list[DoseAdministration]:
    """Every dose given at ``clinic`` on ``day`` (one query), audited as a read of each."""
    doses = list(
        DoseAdministration.objects.filter(clinic=clinic, service_date=day)
        .select_related("patient", "order", "nurse", "stock_bottle")
        .order_by("administered_at", "id")
    )
    record(
        actor=actor,
        action=Action.READ,
        object_type="dispensing_log",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={
            "day": day,
            "doses": len(doses),
            "patients": sorted({d.patient.mrn for d in doses}),
        },
    )
    return doses


def ledger_entry(clinic: Clinic, entry_uuid: object) -> InventoryLedgerEntry:
    return InventoryLedgerEntry.objects.select_related("bottle", "bottle__product").get(
        clinic=clinic, uuid=entry_uuid
    )
