"""Page-shaping reads for the dosing window, the medication page and the stock pages.

Every decision (is this dose safe and due? why not?) comes from
:mod:`mooring.medications.selectors`; these functions only gather and shape it for the
templates, in a number of queries that does not grow with the length of a list.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
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
    QueueDay,
    Verdict,
    active_holds,
    day_facts,
    dose_blocker,
    guest_arrangements_for,
    guest_note,
    queue_day,
    queue_orders,
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
    """One order at the window today, ready to show.

    What the row prints is worked out here, once per kind of row, rather than by a dozen
    template tags and lookups in each of a hundred rows.
    """

    patient: Patient
    order: MedicationOrder
    status: str
    group: str
    label: str
    blocker: Blocker | None
    # The guest dosing arrangement as this clinic sees it (guest here, or away).
    guest: GuestNote | None
    advice: MissedDoseAdvice | None
    dispense_url: str
    photo_url: str
    # The person to focus after a dose (the next still due).
    focused: bool
    # "Methadone 80 mg", and "2 × a day" for a split dose ("" when once a day).
    dose: str
    per_day: str
    # "Guest from <clinic>" for a guest dosed here ("" otherwise).
    guest_from: str
    # Why not, under the status ("" when nothing to say).
    note: str

    @property
    def missed(self) -> MissedDoseAdvice | None:
        advice = self.advice
        return advice if advice is not None and advice.status is not MissedDoseStatus.OK else None

    @property
    def flag(self) -> str:
        """The status flag's extra class: ok when dosed, danger when not due."""
        if self.group == "dosed":
            return " ok"
        return "" if self.group == "due" else " danger"


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

    Everyone is judged (:func:`queue_day`: the counts, the scan, the filter and the focus
    cover the whole queue), but patients and orders are loaded only for the page's rows.
    ``offset`` defaults to the first page, or to the page holding the person focused after
    a dose. The day's queries and the page's one, plus one to find the person just dosed
    (``after``) and one for a person scanned or focused who is not on the page, whatever
    the length of the queue.
    """
    day = queue_day(clinic, service_date)
    # A group per verdict, not per line: a few cases stand for thousands of people.
    group_of = [status_group(verdict.status) for verdict in day.verdicts]
    groups = [group_of[case] for case in day.cases]
    counts = Counter(groups)
    query = query.strip()
    matches = _matcher(day, query)
    shown = [
        line
        for line, group in enumerate(groups)
        if (not status or group == status) and matches(line)
    ]
    focus = _next_due(day, groups, _patient_id(after)) if after else None
    if offset is None:
        offset = 0
        position = next((n for n, line in enumerate(shown) if day.patient_ids[line] == focus), None)
        if position is not None:
            offset = position - position % QUEUE_PAGE
    offset = min(max(offset, 0), max(len(shown) - 1, 0))
    page = shown[offset : offset + QUEUE_PAGE]
    orders = queue_orders([day.order_ids[line] for line in page], only=_ROW_FIELDS)
    rows = _rows(day, page, groups, orders, focus)
    return Queue(
        rows=rows,
        total=len(day),
        counts={key: counts.get(key, 0) for key in FILTERS},
        query=query,
        status=status,
        exact=_uuid_of(_exact(day, query), rows),
        focus=_uuid_of(focus, rows),
        matched=len(shown),
        offset=offset,
    )


# What a row shows of the order and the person (web/dosing/queue.html, _rows, _uuid_of):
# loading the rest of two wide rows a hundred times over cost a tenth of the page's CPU.
_ROW_FIELDS = (
    "medication",
    "daily_dose_mg",
    "split",
    "patient__uuid",
    "patient__mrn",
    "patient__legal_given_name",
    "patient__legal_family_name",
    "patient__preferred_name",
    "patient__photo",
)


def _rows(
    day: QueueDay,
    page: list[int],
    groups: list[str],
    orders: dict[int, MedicationOrder],
    focus: int | None,
) -> list[QueueRow]:
    """The page's rows; the words for a verdict and for a dose are made once per page."""
    dispense_url, photo_url = _url_for("web:dosing_dispense"), _url_for("web:patient_photo")
    words: dict[int, tuple[str, str, str]] = {}
    doses: dict[tuple[str, Decimal], str] = {}
    rows = []
    for line in page:
        order = orders[day.order_ids[line]]
        patient = order.patient
        verdict = day.verdict(line)
        case = day.cases[line]
        if case not in words:
            words[case] = _words(verdict)
        label, guest_from, note = words[case]
        dose = (order.medication, order.daily_dose_mg)
        if dose not in doses:
            mg = floatformat(order.daily_dose_mg, "-2")
            doses[dose] = f"{order.get_medication_display()} {mg} mg"
        rows.append(
            QueueRow(
                patient=patient,
                order=order,
                status=verdict.status,
                group=groups[line],
                label=label,
                blocker=verdict.blocker,
                guest=verdict.guest,
                advice=verdict.missed,
                dispense_url=dispense_url(patient.uuid),
                photo_url=photo_url(patient.uuid) if patient.photo else "",
                focused=patient.pk == focus,
                dose=doses[dose],
                per_day=gettext("%(n)s × a day") % {"n": order.split} if order.split > 1 else "",
                guest_from=guest_from,
                note=note,
            )
        )
    return rows


def _words(verdict: Verdict) -> tuple[str, str, str]:
    """A verdict's label, its "guest from" line and the note under its status."""
    status, guest = verdict.status, verdict.guest
    guest_from = ""
    if guest is not None and guest.is_guest:
        guest_from = gettext("Guest from %(clinic)s") % {"clinic": guest.home_clinic_name}
    missed = verdict.missed
    if status == "guest_dosing_elsewhere" and guest is not None:
        note = gettext("Dosing elsewhere: guest at %(clinic)s until %(end)s") % {
            "clinic": guest.host_clinic_name,
            "end": date_format(guest.end_date, "SHORT_DATE_FORMAT"),
        }
    elif verdict.blocker is not None:
        note = verdict.blocker.message
    elif missed is not None and missed.status is not MissedDoseStatus.OK:
        note = missed.message
    else:
        note = ""
    return str(STATUS_LABELS.get(status, status)), guest_from, note


# A stand-in for a person's public id: a URL is reversed once per page and each row's id
# swapped in (reversing for each of a hundred rows cost more than the rest of the row).
_UUID_STANDIN = uuid.UUID(int=0)


def _url_for(name: str) -> Callable[[uuid.UUID], str]:
    url, standin = reverse(name, args=[_UUID_STANDIN]), str(_UUID_STANDIN)
    return lambda patient_uuid: url.replace(standin, str(patient_uuid))


def _matcher(day: QueueDay, query: str) -> Callable[[int], bool]:
    """Whether a line matches the typed text: in the MRN, or every word in the name."""
    if not query:
        return lambda line: True
    wanted = query.upper()
    tokens = fold(query).split()

    def matches(line: int) -> bool:
        return wanted in day.mrns[line].upper() or all(
            token in day.search_names[line] for token in tokens
        )

    return matches


def _exact(day: QueueDay, query: str) -> int | None:
    """The person (id) whose MRN is exactly the query, if exactly one is in the queue."""
    if not query:
        return None
    wanted = query.upper()
    found = {day.patient_ids[n] for n, mrn in enumerate(day.mrns) if mrn.upper() == wanted}
    return found.pop() if len(found) == 1 else None


def _patient_id(patient_uuid: str) -> int | None:
    """The id of the person ``after`` names (None when it names no one)."""
    try:
        wanted = uuid.UUID(patient_uuid)
    except ValueError:
        return None
    return Patient.objects.filter(uuid=wanted).values_list("pk", flat=True).first()


def _uuid_of(patient_id: int | None, rows: Sequence[QueueRow] = ()) -> uuid.UUID | None:
    """The public id of a person: from the page's rows when there, else one query."""
    if patient_id is None:
        return None
    for row in rows:
        if row.patient.pk == patient_id:
            return row.patient.uuid
    return Patient.objects.filter(pk=patient_id).values_list("uuid", flat=True).first()


def _next_due(day: QueueDay, groups: list[str], after: int | None) -> int | None:
    """The first person still due after ``after`` in queue order (wrapping round)."""
    due = [line for line, group in enumerate(groups) if group == "due"]
    if not due:
        return None
    if after not in day.patient_ids:
        return day.patient_ids[due[0]]
    position = day.patient_ids.index(after)
    # Those after the person first, then from the top; never the person just dosed.
    for line in [n for n in due if n > position] + [n for n in due if n <= position]:
        if day.patient_ids[line] != after:
            return day.patient_ids[line]
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
