"""Reads for the dosing window and the prescriber: who is due, who came, who is held.

:func:`dosing_queue` answers for a whole clinic day in a constant number of queries,
whatever the length of the queue. :func:`dose_blocker` is the one place that decides why
a dose may not be given; ``dose_dispense`` asks it too, so the queue and the service agree.
The interface checks the capability (DISPENSE or PRESCRIBE at the clinic) before calling.

Guest dosing (:class:`~mooring.medications.models.GuestDosingArrangement`) is read here
too: a guest is in the host clinic's queue under the home clinic's order, and the home
clinic's queue shows the person as dosing elsewhere; :func:`dose_blocker` refuses a dose at
any clinic but the host while the arrangement runs, and a second clinic's dose on one day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from mooring.accounts.models import Clinic
from mooring.medications import rules_bridge
from mooring.medications.models import (
    DoseAdministration,
    DoseHold,
    DoseKind,
    GuestDosingArrangement,
    Medication,
    MedicationOrder,
    MissedDoseReview,
    OrderStatus,
    PrescriberFlag,
    SedationAssessment,
)
from mooring.patients.models import Patient
from mooring.rules.methadone import MissedDoseAdvice, MissedDoseStatus
from mooring.rules.profiles import ProtocolProfile


@dataclass(frozen=True)
class Blocker:
    """Why a dose may not be given today: a stable code and a sentence."""

    code: str
    message: str


@dataclass(frozen=True)
class GuestNote:
    """A guest dosing arrangement as one clinic's dosing window sees it on a day.

    ``role`` is ``"guest"`` at the host clinic (enrolled elsewhere, dosed here) and
    ``"away"`` anywhere else (dosed at the host clinic, not here).
    """

    role: str
    arrangement_uuid: uuid.UUID
    home_clinic_name: str
    host_clinic_name: str
    end_date: date

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    @property
    def message(self) -> str:
        if self.is_guest:
            return _("Guest from %(clinic)s until %(end)s.") % {
                "clinic": self.home_clinic_name,
                "end": self.end_date,
            }
        return _("Dosing elsewhere (guest at %(clinic)s until %(end)s).") % {
            "clinic": self.host_clinic_name,
            "end": self.end_date,
        }


@dataclass(frozen=True)
class DayFacts:
    """What is known about one order on one day, loaded in bulk or one by one."""

    holds: tuple[DoseHold, ...] = ()
    sedation: tuple[SedationAssessment, ...] = ()
    last_methadone_dose: date | None = None
    reviewed: bool = False
    # Relative to the clinic asking: dosed at a guest host clinic instead of here.
    away: GuestNote | None = None
    # The name of another clinic that already gave an observed dose that day.
    dosed_elsewhere: str = ""
    # A take-home dose of the same medication is out with the person for that day.
    take_home: bool = False
    # Asked for one administration index (``day_facts(index=)``): already given, observed.
    index_given: bool = False


def dose_blocker(
    order: MedicationOrder, service_date: date, facts: DayFacts, profile: ProtocolProfile
) -> tuple[Blocker | None, MissedDoseAdvice | None]:
    """The first reason the order may not be dosed on ``service_date`` (None: go ahead)."""
    if not order.is_signed:
        return Blocker("order_not_signed", _("The order is not signed.")), None
    if service_date < order.start_date:
        return Blocker(
            "order_not_started", _("The order starts on %(day)s.") % {"day": order.start_date}
        ), None
    if order.end_date is not None and service_date >= order.end_date:
        return Blocker(
            "order_ended", _("The order ended on %(day)s.") % {"day": order.end_date}
        ), None
    if facts.away is not None:
        return Blocker("guest_dosing_elsewhere", facts.away.message), None
    if facts.dosed_elsewhere:
        return Blocker(
            "dosed_elsewhere_today",
            _("Already dosed today at %(clinic)s.") % {"clinic": facts.dosed_elsewhere},
        ), None
    if facts.take_home:
        return Blocker(
            "take_home_issued_for_today",
            _("A take-home dose was issued for today; no observed dose today."),
        ), None
    for hold in facts.holds:
        if not hold.medication or hold.medication == order.medication:
            return Blocker("on_hold", _("On hold: %(reason)s") % {"reason": hold.reason}), None
    if facts.sedation:
        return Blocker(
            "appears_sedated",
            _("Assessed today as appearing sedated or intoxicated; no dose today."),
        ), None
    advice = rules_bridge.missed_dose_advice(
        order, facts.last_methadone_dose, service_date, profile
    )
    if advice is not None and advice.status is not MissedDoseStatus.OK and not facts.reviewed:
        return Blocker(
            f"missed_doses_{advice.status.value}", f"{advice.message} [profile {advice.profile}]"
        ), advice
    return None, advice


def active_holds_on(on: date) -> QuerySet[DoseHold]:
    """Holds in force on ``on`` (everyone's)."""
    return DoseHold.objects.filter(starts_on__lte=on, released_at__isnull=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )


def active_holds(patient_ids: list[int], on: date) -> QuerySet[DoseHold]:
    return active_holds_on(on).filter(patient_id__in=patient_ids).order_by("starts_on", "id")


def day_facts(
    order: MedicationOrder,
    service_date: date,
    *,
    clinic: Clinic | None = None,
    index: int | None = None,
    holds: Sequence[DoseHold] | None = None,
) -> DayFacts:
    """The facts for one order: one query, plus one for holds or sedation only when present.

    ``clinic`` is the clinic that would give the dose (default: the order's own clinic);
    a guest dosing arrangement and another clinic's dose that day are judged against it.
    With ``index``, :attr:`DayFacts.index_given` says whether that administration was
    already given (observed) that day. ``holds``: the person's holds in force that day, when
    the caller has them already (a page listing them), so they are not read twice. The same
    annotations as :func:`dosing_queue`, so the window, the queue and the service read the
    facts one way.
    """
    here = clinic.pk if clinic is not None else order.clinic_id
    row = _facts_row(order.pk, service_date, here, index)
    if holds is not None:
        found = tuple(holds)
    elif row["held"]:
        found = tuple(active_holds([order.patient_id], service_date))
    else:
        found = ()
    sedation = (
        tuple(
            SedationAssessment.objects.filter(
                patient_id=order.patient_id, service_date=service_date
            )
        )
        if row["sedated"]
        else ()
    )
    guest = None
    if row["guest_id"] is not None:
        arrangement = GuestDosingArrangement.objects.select_related(
            "home_clinic", "host_clinic"
        ).get(pk=row["guest_id"])
        guest = _note(arrangement, "guest" if arrangement.host_clinic_id == here else "away")
    return _facts(row, found, sedation, guest, index_given=bool(row.get("index_given")))


# Stand-ins compiled into the one-order facts query once per process, then swapped for the
# real values at each call (see _facts_row). None of them can be a real id, index or day;
# the index is a small positive number (Django compiles an out-of-range one to FALSE).
_ORDER_STANDIN, _CLINIC_STANDIN, _INDEX_STANDIN = -917_203_001, -917_203_002, 32_109
_DAY_STANDIN = date(1901, 2, 3)
_FACTS_SQL: dict[tuple[str, bool], tuple[str, list[Any]]] = {}


def _facts_row(order_pk: int, service_date: date, here: int, index: int | None) -> dict[str, Any]:
    """One order's :func:`fact_columns` (and ``index_given``), as a dict: one statement.

    Dispensing asks this for every dose, and turning seven correlated subqueries into SQL
    cost more CPU than everything else in the dose together. So the ORM query is compiled
    once per process and connection with stand-in values, and each call swaps the real ones
    into its parameters: the SQL is exactly the ORM's, defined once in fact_columns.
    """
    alias = MedicationOrder.objects.db
    connection = connections[alias]
    key = (alias, index is not None)
    compiled = _FACTS_SQL.get(key)
    if compiled is None:
        columns = fact_columns(_DAY_STANDIN, _CLINIC_STANDIN)
        if index is not None:
            columns["index_given"] = Exists(
                DoseAdministration.objects.filter(
                    order=OuterRef("pk"),
                    service_date=_DAY_STANDIN,
                    administration_index=_INDEX_STANDIN,
                    kind=DoseKind.OBSERVED,
                )
            )
        query = MedicationOrder.objects.filter(pk=_ORDER_STANDIN).values(**columns).query
        sql, params = query.get_compiler(alias).as_sql()
        standins = [
            _ORDER_STANDIN,
            _CLINIC_STANDIN,
            connection.ops.adapt_datefield_value(_DAY_STANDIN),
        ] + ([_INDEX_STANDIN] if index is not None else [])
        if any(standin not in params for standin in standins):  # never a silent constant
            raise RuntimeError("day_facts: a stand-in was compiled away; check fact_columns")
        compiled = _FACTS_SQL[key] = (sql, list(params))
    sql, template = compiled
    swap = {_ORDER_STANDIN: order_pk, _CLINIC_STANDIN: here, _INDEX_STANDIN: index}
    params = _swapped(template, connection, service_date, swap)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = cursor.fetchone()
    if found is None:
        raise MedicationOrder.DoesNotExist(f"No order {order_pk}.")
    row = dict(zip(names, found, strict=True))
    # The database's own types, made the ORM's (SQLite returns 0/1 and ISO dates as text).
    last = row["last_methadone_dose"]
    row["last_methadone_dose"] = date.fromisoformat(last) if isinstance(last, str) else last
    for name in ("take_home_today", "reviewed", "held", "sedated", "index_given"):
        if name in row:
            row[name] = bool(row[name])
    return row


def _swapped(
    template: list[Any], connection: Any, service_date: date, swap: dict[int, Any]
) -> list[Any]:
    """A compiled query's parameters with the stand-ins swapped for the real values."""
    day_standin = connection.ops.adapt_datefield_value(_DAY_STANDIN)
    day = connection.ops.adapt_datefield_value(service_date)
    return [
        day
        if value == day_standin
        else swap.get(value, value)
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for value in template
    ]


def fact_columns(service_date: date, here: int) -> dict[str, Any]:
    """Annotations on :class:`MedicationOrder` for its person's day at clinic ``here``.

    Each is a correlated subquery on an indexed column, so a whole queue costs one query:
    the guest arrangement in force (its id), a take-home dose of the medication out for the
    day, another clinic's observed dose that day (its name), the last methadone day before
    (walking the (patient, service_date) index backwards: one row, not the whole history),
    a missed-dose review of the order, and whether any hold or sedation assessment exists
    (the rows themselves are fetched only for the few who have one).
    """
    arrangement = (
        _active_arrangements(service_date)
        .filter(patient=OuterRef("patient"))
        .order_by("start_date", "id")
    )
    return {
        "guest_id": Subquery(arrangement.values("id")[:1]),
        "take_home_today": Exists(
            take_home_doses(service_date).filter(
                patient=OuterRef("patient"), order__medication=OuterRef("medication")
            )
        ),
        "dosed_elsewhere": Subquery(
            DoseAdministration.objects.filter(
                patient=OuterRef("patient"), service_date=service_date, kind=DoseKind.OBSERVED
            )
            .exclude(clinic_id=here)
            .values("clinic__name")[:1]
        ),
        "last_methadone_dose": Subquery(
            DoseAdministration.objects.filter(
                patient=OuterRef("patient"),
                order__medication=Medication.METHADONE,
                service_date__lt=service_date,
            )
            .order_by("-service_date")
            .values("service_date")[:1]
        ),
        "reviewed": Exists(
            MissedDoseReview.objects.filter(order=OuterRef("pk"), service_date=service_date)
        ),
        "held": Exists(active_holds_on(service_date).filter(patient=OuterRef("patient"))),
        "sedated": Exists(
            SedationAssessment.objects.filter(
                patient=OuterRef("patient"), service_date=service_date
            )
        ),
    }


def _facts(
    row: dict[str, Any],
    holds: tuple[DoseHold, ...],
    sedation: tuple[SedationAssessment, ...],
    guest: GuestNote | None,
    *,
    index_given: bool = False,
) -> DayFacts:
    return DayFacts(
        holds=holds,
        sedation=sedation,
        last_methadone_dose=row["last_methadone_dose"],
        reviewed=row["reviewed"],
        away=guest if guest is not None and not guest.is_guest else None,
        dosed_elsewhere=row["dosed_elsewhere"] or "",
        take_home=row["take_home_today"],
        index_given=index_given,
    )


def take_home_doses(service_date: date) -> QuerySet[DoseAdministration]:
    """Take-home doses for ``service_date`` that the person still has.

    The take-homes app writes a take-home :class:`DoseAdministration` for each bottle's
    date. A bottle the clinic took back at a recall (``takehome_bottle.status`` is
    ``recalled``, read through the reverse relation so this app does not import that one)
    leaves the person without that day's dose, so it does not count.
    """
    doses = DoseAdministration.objects.filter(service_date=service_date, kind=DoseKind.TAKE_HOME)
    if apps.is_installed("mooring.takehomes"):
        doses = doses.exclude(takehome_bottle__status="recalled")
    return doses


def _status(split: int, given: int, blocker: Blocker | None) -> str:
    if given and given >= split:
        return "dosed"
    if blocker is not None:
        return blocker.code
    return "partly_dosed" if given else "due"


@dataclass
class QueueEntry:
    patient: Patient
    order: MedicationOrder
    doses: list[DoseAdministration] = field(default_factory=list)
    blocker: Blocker | None = None
    missed: MissedDoseAdvice | None = None
    # Set when a guest dosing arrangement concerns this person on the day (see GuestNote).
    guest: GuestNote | None = None

    @property
    def is_guest(self) -> bool:
        """Enrolled at another clinic, dosed here as a guest."""
        return self.guest is not None and self.guest.is_guest

    @property
    def remaining(self) -> int:
        """Administrations still due today (0 when fully dosed)."""
        return max(self.order.split - len(self.doses), 0)

    @property
    def status(self) -> str:
        return _status(self.order.split, len(self.doses), self.blocker)


@dataclass(frozen=True)
class Verdict:
    """What the rules say of one case of the day (many people share one)."""

    status: str
    blocker: Blocker | None
    missed: MissedDoseAdvice | None
    guest: GuestNote | None


@dataclass(frozen=True)
class QueueDay:
    """The whole day's queue in queue order, as columns: line ``n`` is the order
    ``order_ids[n]`` of the person ``patient_ids[n]``, and its verdict is
    ``verdicts[cases[n]]``. Enough to count, filter and find people, without model
    objects; :func:`queue_orders` loads them for a page.

    Columns of numbers and text rather than an object per line: the garbage collector
    has a handful of lists to look at, not thousands of objects that outlive the young
    generations at every request (each full collection of the old one is a pause).
    """

    order_ids: list[int]
    patient_ids: list[int]
    mrns: list[str]
    search_names: list[str]
    cases: list[int]
    verdicts: list[Verdict]

    def __len__(self) -> int:
        return len(self.order_ids)

    def verdict(self, line: int) -> Verdict:
        return self.verdicts[self.cases[line]]

    def status(self, line: int) -> str:
        return self.verdicts[self.cases[line]].status


# The order fields the rules read, loaded for every line of the queue.
_TERMS = (
    "status",
    "start_date",
    "end_date",
    "medication",
    "form",
    "phase",
    "daily_dose_mg",
    "split",
)
# A row's terms and facts: two rows alike in these get the same answer from dose_blocker.
_CASE = (
    *_TERMS,
    "guest_id",
    "take_home_today",
    "dosed_elsewhere",
    "last_methadone_dose",
    "reviewed",
    "held",
    "sedated",
)


def _queue_orders(
    clinic_pk: int, service_date: date, facts: dict[str, Any]
) -> QuerySet[MedicationOrder]:
    """The day's observed orders at a clinic (guests included), with their day's facts."""
    guests_here = _active_arrangements(service_date).filter(host_clinic_id=clinic_pk)
    return (
        MedicationOrder.objects.filter(
            observed=True,
            start_date__lte=service_date,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=service_date))
        .filter(
            Q(clinic_id=clinic_pk)
            | Exists(
                guests_here.filter(patient=OuterRef("patient"), home_clinic=OuterRef("clinic"))
            )
        )
        .annotate(**facts)
        .order_by("patient__legal_family_name", "patient__legal_given_name", "id")
    )


Judgement = tuple[Blocker | None, MissedDoseAdvice | None, GuestNote | None]


@dataclass(frozen=True)
class _Extras:
    """The rows behind the few facts that need more than a flag: holds, sedation, guests."""

    holds: dict[int, tuple[DoseHold, ...]]
    sedated: dict[int, tuple[SedationAssessment, ...]]
    notes: dict[int, GuestNote]


def _extras(
    held: list[int], assessed: list[int], guest_ids: set[int], clinic: Clinic, service_date: date
) -> _Extras:
    """Holds and sedation assessments of the people flagged, and the guest arrangements:
    a query each, only when someone has one."""
    holds: dict[int, list[DoseHold]] = defaultdict(list)
    if held:
        for hold in active_holds(held, service_date):
            holds[hold.patient_id].append(hold)
    sedated: dict[int, list[SedationAssessment]] = defaultdict(list)
    if assessed:
        for assessment in SedationAssessment.objects.filter(
            patient_id__in=assessed, service_date=service_date
        ):
            sedated[assessment.patient_id].append(assessment)
    notes: dict[int, GuestNote] = {}
    if guest_ids:
        for arrangement in GuestDosingArrangement.objects.filter(pk__in=guest_ids).select_related(
            "home_clinic", "host_clinic"
        ):
            role = "guest" if arrangement.host_clinic_id == clinic.pk else "away"
            notes[arrangement.pk] = _note(arrangement, role)
    return _Extras(
        {pid: tuple(found) for pid, found in holds.items()},
        {pid: tuple(found) for pid, found in sedated.items()},
        notes,
    )


def _judgement(
    row: dict[str, Any], extras: _Extras, profile: ProtocolProfile, service_date: date
) -> Judgement:
    """:func:`dose_blocker` for one row (an order's terms and its :func:`fact_columns`)."""
    guest = extras.notes.get(row["guest_id"])
    patient_id = row["patient_id"]
    facts = _facts(row, extras.holds.get(patient_id, ()), extras.sedated.get(patient_id, ()), guest)
    terms = MedicationOrder(patient_id=patient_id, **{name: row[name] for name in _TERMS})
    return (*dose_blocker(terms, service_date, facts, profile), guest)


def _judge(rows: list[dict[str, Any]], clinic: Clinic, service_date: date) -> list[Judgement]:
    """:func:`dose_blocker` for every row (an order's terms and its :func:`fact_columns`).

    Holds, sedation assessments and guest arrangements are read for the few rows that have
    one (a query each, only then). Rows with the same terms and facts get the same answer,
    so the rule runs once per distinct case, not once per person.
    """
    extras = _extras(
        [row["patient_id"] for row in rows if row["held"]],
        [row["patient_id"] for row in rows if row["sedated"]],
        {row["guest_id"] for row in rows if row["guest_id"] is not None},
        clinic,
        service_date,
    )
    profile = rules_bridge.profile_for(clinic)
    answers: dict[tuple[Any, ...], Judgement] = {}
    judged: list[Judgement] = []
    for row in rows:
        # Everything dose_blocker reads; the person only when their holds or sedation count.
        case = (
            *(row[name] for name in _CASE),
            row["patient_id"] if row["held"] or row["sedated"] else None,
        )
        if case not in answers:
            answers[case] = _judgement(row, extras, profile, service_date)
        judged.append(answers[case])
    return judged


def dosing_queue(clinic: Clinic, service_date: date) -> list[QueueEntry]:
    """Everyone with an active signed observed order at ``clinic`` on ``service_date``.

    Each entry says whether the person has been dosed, is due, is held (and why) or waits
    for a missed-dose review. Guests dosed here under their home clinic's order are
    included (``entry.is_guest``); people of this clinic dosed at a guest host clinic are
    marked as dosing elsewhere, and people holding a take-home dose for the day as
    ``take_home_issued_for_today``. Two queries (the orders with their patients and their
    day's facts, and today's doses), plus one each for guest arrangements, holds and
    sedation assessments only when someone in the queue has one: never more than five.
    For a page of a long queue, :func:`queue_day` and :func:`queue_orders` are lighter.
    """
    facts = fact_columns(service_date, clinic.pk)
    orders = list(_queue_orders(clinic.pk, service_date, facts).select_related("patient"))
    doses = _doses_today([o.pk for o in orders], service_date)
    judged = _judge([order.__dict__ for order in orders], clinic, service_date)
    return [
        QueueEntry(order.patient, order, doses[order.pk], blocker, advice, guest=guest)
        for order, (blocker, advice, guest) in zip(orders, judged, strict=True)
    ]


# The columns of queue_day's one query: the line's own first, then its case.
_LINE = ("id", "patient_id", "patient__mrn", "patient__search_name")
_QUEUE_SQL: dict[str, tuple[str, list[Any]]] = {}


def _queue_rows(clinic_pk: int, service_date: date) -> tuple[tuple[str, ...], list[Any]]:
    """The queue's rows as the database returns them, and the names of their columns.

    Compiled once per process and database with stand-ins, like :func:`_facts_row`:
    building and compiling a query of nine correlated subqueries cost as much CPU as
    judging two thousand people. The SQL is exactly the ORM's, from :func:`fact_columns`.
    """
    alias = MedicationOrder.objects.db
    connection = connections[alias]
    compiled = _QUEUE_SQL.get(alias)
    if compiled is None:
        facts = fact_columns(_DAY_STANDIN, _CLINIC_STANDIN)
        given = Subquery(
            DoseAdministration.objects.filter(
                order=OuterRef("pk"), service_date=_DAY_STANDIN, kind=DoseKind.OBSERVED
            )
            .values("order")
            .annotate(n=Count("*"))
            .values("n")[:1]
        )
        query = (
            _queue_orders(_CLINIC_STANDIN, _DAY_STANDIN, facts)
            .annotate(given=given)
            .values_list(*_LINE, *_TERMS, "given", *facts)
            .query
        )
        sql, params = query.get_compiler(alias).as_sql()
        standins = [_CLINIC_STANDIN, connection.ops.adapt_datefield_value(_DAY_STANDIN)]
        if any(standin not in params for standin in standins):  # never a silent constant
            raise RuntimeError("queue_day: a stand-in was compiled away; check fact_columns")
        compiled = _QUEUE_SQL[alias] = (sql, list(params))
    sql, template = compiled
    with connection.cursor() as cursor:
        cursor.execute(
            sql, _swapped(template, connection, service_date, {_CLINIC_STANDIN: clinic_pk})
        )
        names = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    if names[: len(_LINE)] != _LINE:  # the line's own columns lead (see queue_day)
        raise RuntimeError(f"queue_day: unexpected columns {names}")
    return names, rows


def queue_day(clinic: Clinic, service_date: date) -> QueueDay:
    """The whole queue as a :class:`QueueDay`, in queue order, without model objects.

    The same people, statuses and reasons as :func:`dosing_queue` (which it shares its
    query and rules with), for a fraction of the CPU: one query of plain rows (today's
    doses counted in it) plus the conditional three, whatever the length. The rules run
    once per distinct case (the order's terms, the day's facts and the doses given).
    """
    names, rows = _queue_rows(clinic.pk, service_date)
    held, sedated, guest = (names.index(name) for name in ("held", "sedated", "guest_id"))
    extras = _extras(
        [row[1] for row in rows if row[held]],
        [row[1] for row in rows if row[sedated]],
        {row[guest] for row in rows if row[guest] is not None},
        clinic,
        service_date,
    )
    profile = rules_bridge.profile_for(clinic)
    first_case = len(_LINE)
    numbers: dict[tuple[Any, ...], int] = {}
    verdicts: list[Verdict] = []
    cases: list[int] = []
    for row in rows:
        # The person's own holds or sedation make their case theirs alone.
        case = row[1:] if row[held] or row[sedated] else row[first_case:]
        number = numbers.get(case)
        if number is None:
            number = numbers[case] = len(verdicts)
            typed = _typed(dict(zip(names, row, strict=True)))
            verdicts.append(_verdict(typed, extras, profile, service_date))
        cases.append(number)
    return QueueDay(
        order_ids=[row[0] for row in rows],
        patient_ids=[row[1] for row in rows],
        mrns=[row[2] for row in rows],
        search_names=[row[3] for row in rows],
        cases=cases,
        verdicts=verdicts,
    )


_DOSE_PLACES = Decimal(1).scaleb(-MedicationOrder._meta.get_field("daily_dose_mg").decimal_places)


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """A raw queue row with the ORM's types (SQLite returns 0/1, ISO dates as text and
    decimals as floats; PostgreSQL's rows come typed already)."""
    for name in ("start_date", "end_date", "last_methadone_dose"):
        if isinstance(row[name], str):
            row[name] = date.fromisoformat(row[name])
    for name in ("take_home_today", "reviewed", "held", "sedated"):
        row[name] = bool(row[name])
    dose = row["daily_dose_mg"]
    if dose is not None and not isinstance(dose, Decimal):
        row["daily_dose_mg"] = Decimal(str(dose)).quantize(_DOSE_PLACES)
    return row


def _verdict(
    row: dict[str, Any], extras: _Extras, profile: ProtocolProfile, service_date: date
) -> Verdict:
    blocker, advice, guest = _judgement(row, extras, profile, service_date)
    return Verdict(_status(row["split"], row["given"] or 0, blocker), blocker, advice, guest)


def queue_orders(order_ids: list[int], only: Sequence[str] = ()) -> dict[int, MedicationOrder]:
    """Some orders of the queue (a page), with their patients, by id: one query.

    ``only``: the fields the caller shows (``patient__`` for the person's), when it wants
    no others loaded; any other it reads costs a query per object.
    """
    if not order_ids:
        return {}
    orders = MedicationOrder.objects.select_related("patient")
    return (orders.only(*only) if only else orders).in_bulk(order_ids)


def _doses_today(order_ids: list[int], service_date: date) -> dict[int, list[DoseAdministration]]:
    doses: dict[int, list[DoseAdministration]] = defaultdict(list)
    if order_ids:
        for dose in DoseAdministration.objects.filter(
            order_id__in=order_ids, service_date=service_date, kind=DoseKind.OBSERVED
        ).order_by("administration_index"):
            doses[dose.order_id].append(dose)
    return doses


def active_order(patient: Patient, medication: str, on: date) -> MedicationOrder | None:
    """The signed order of ``medication`` in force on ``on``, if any."""
    return (
        MedicationOrder.objects.filter(
            patient=patient,
            medication=medication,
            start_date__lte=on,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("prescriber")
        .first()
    )


def order_history(patient: Patient) -> QuerySet[MedicationOrder]:
    """Every order of the patient, newest first (signed chain and drafts)."""
    return (
        MedicationOrder.objects.filter(patient=patient)
        .select_related("prescriber", "created_by", "supersedes")
        .order_by("-start_date", "-id")
    )


def open_flags(clinic: Clinic) -> QuerySet[PrescriberFlag]:
    """Flags the prescribers at ``clinic`` have not acknowledged, oldest first."""
    return (
        PrescriberFlag.objects.filter(clinic=clinic, acknowledged_at__isnull=True)
        .select_related("patient", "raised_by")
        .order_by("raised_at", "id")
    )


# Guest dosing ------------------------------------------------------------------------------


def _active_arrangements(on: date) -> QuerySet[GuestDosingArrangement]:
    """Arrangements in force on ``on``: ``[start, end)``, and not cancelled by then."""
    return GuestDosingArrangement.objects.filter(start_date__lte=on, end_date__gt=on).filter(
        Q(cancelled_from__isnull=True) | Q(cancelled_from__gt=on)
    )


def active_guest_arrangement(patient: Patient | int, on: date) -> GuestDosingArrangement | None:
    """The guest dosing arrangement in force for the patient on ``on`` (at most one)."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    return (
        _active_arrangements(on)
        .filter(patient_id=patient_id)
        .select_related("home_clinic", "host_clinic")
        .order_by("start_date", "id")
        .first()
    )


def guest_note(patient: Patient | int, on: date, clinic: Clinic) -> GuestNote | None:
    """The arrangement in force on ``on`` as ``clinic`` sees it (guest here, or away), if any."""
    arrangement = active_guest_arrangement(patient, on)
    if arrangement is None:
        return None
    return _note(arrangement, "guest" if arrangement.host_clinic_id == clinic.pk else "away")


def _note(arrangement: GuestDosingArrangement, role: str) -> GuestNote:
    return GuestNote(
        role=role,
        arrangement_uuid=arrangement.uuid,
        home_clinic_name=arrangement.home_clinic.name,
        host_clinic_name=arrangement.host_clinic.name,
        end_date=arrangement.end_date,
    )


def guest_host_clinic_ids(patient: Patient, on: date) -> set[int]:
    """The patient-clinic provider: a guest host clinic may open the record in the period.

    Registered in :class:`~mooring.medications.apps.MedicationsConfig` with
    :func:`mooring.core.hooks.register_patient_clinic_provider` (one small query).
    """
    return set(
        _active_arrangements(on)
        .filter(patient_id=patient.pk)
        .values_list("host_clinic_id", flat=True)
    )


def guest_arrangements_for(patient: Patient) -> QuerySet[GuestDosingArrangement]:
    """Every arrangement of the patient, cancelled ones included, newest first."""
    return (
        GuestDosingArrangement.objects.filter(patient=patient)
        .select_related("home_clinic", "host_clinic", "arranged_by", "cancelled_by", "order")
        .order_by("-start_date", "-id")
    )


def guests_at(clinic: Clinic, on: date) -> QuerySet[GuestDosingArrangement]:
    """Arrangements bringing guests to ``clinic`` on ``on`` (the interface checks access)."""
    return (
        _active_arrangements(on)
        .filter(host_clinic=clinic)
        .select_related("patient", "home_clinic", "order")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "id")
    )


# Downtime ---------------------------------------------------------------------------------


def back_entered_doses(clinic: Clinic, service_date: date) -> QuerySet[DoseAdministration]:
    """Doses given at ``clinic`` on ``service_date`` and entered afterwards, for review.

    Ordered by when they were really given; each row keeps ``administered_at`` (the real
    time) and ``entered_at`` (when it was typed). The interface checks the capability.
    """
    return (
        DoseAdministration.objects.filter(
            clinic=clinic, service_date=service_date, back_entered=True
        )
        .select_related("patient", "order", "nurse", "stock_bottle")
        .order_by("administered_at", "id")
    )
