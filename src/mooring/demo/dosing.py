"""The demo program's medication history, written through the medications and stock services.

Mooring "went live" at the demo clinics ``HISTORY_DAYS`` days ago: earlier doses are on the
paper record, so a person already in maintenance on that day gets a maintenance order
signed with a documented reason (the rules core sees no dose history and would otherwise
treat the dose as a first dose). From then on, day by day and clinic by clinic:

* the prescriber signs orders: methadone induction at 30 mg, then +10 mg steps at least
  four days apart (the rules core must accept each; a refused step waits a day) up to the
  person's maintenance dose; buprenorphine/naloxone for office-based patients;
* the nurse gives observed doses from the clinic's 10 mg/mL stock, on open days, with each
  person's own attendance; a few people miss 3-4 days (the dose waits for the
  prescriber's missed-dose review) or a week or more (re-induced at 30 mg);
* deliveries arrive when the stock runs low, and each evening the nurse counts every
  bottle used that day; the counts balance.

Today is left for the demo morning: a few people were dosed early, most are still due,
and a few are held after missed days. Everything is seeded: the same seed and day give
the same history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from mooring.accounts.access import roles_at
from mooring.accounts.models import Clinic, User
from mooring.core.context import Actor
from mooring.core.time import now
from mooring.inventory.models import BottleStatus, Product, StockBottle
from mooring.inventory.services import (
    product_create,
    reconciliation_count,
    stock_receive,
    stock_waste,
)
from mooring.medications import policy, rules_bridge
from mooring.medications.models import MedicationOrder
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.services import (
    OrderDraft,
    dose_dispense,
    missed_dose_review,
    order_change,
    order_draft,
    order_end,
    order_sign,
    qtc_record,
)
from mooring.patients.models import Episode, ProgramType

HISTORY_DAYS = 35
INDUCTION_MG = Decimal("30")
STEP_MG = Decimal("10")
STEP_EVERY_DAYS = 4
# Maintenance doses people settle on (mg/day), drawn with these weights.
MAINTENANCE_MG = ((60, 2), (70, 3), (80, 4), (90, 3), (100, 2))
BOTTLE_MG = Decimal("10000")  # 1,000 mL of 10 mg/mL
BOTTLES_PER_DELIVERY = 4
# Below this a bottle's remainder is too little to measure a dose from: it is wasted.
RESIDUE_MG = Decimal("100")
GO_LIVE_REASON = (
    "Continuing the maintenance dose established before Mooring went live on %s; the earlier "
    "doses are on the paper record."
)
REINDUCE_REASON = "Returned after %s days without methadone: re-induced at 30 mg."
REVIEW_NOTE = "Seen at the window after %s missed days; no intoxication; dose as ordered."
WORKERS = {"harbor": ("ada", "ben", "eve"), "ridge": ("rita", "sam", "eve")}


@dataclass
class DosingSummary:
    orders: int = 0
    doses: int = 0
    reviews: int = 0
    reinductions: int = 0
    receipts: int = 0
    counts: int = 0
    due_today: int = 0
    days: int = HISTORY_DAYS


@dataclass
class _Course:
    """One person's methadone or buprenorphine course inside the history window."""

    episode: Episode
    medication: str
    start: date
    end: date | None
    target_mg: Decimal
    absent: set[date]
    dosed_early_today: bool
    order: MedicationOrder | None = None
    current_mg: Decimal = Decimal(0)
    next_step: date | None = None
    last_dose: date | None = None


@dataclass
class _Clinic:
    clinic: Clinic
    prescriber: Actor
    nurse: Actor
    director: Actor
    product: Product
    closed: set[date]
    courses: list[_Course] = field(default_factory=list)
    bottles: list[StockBottle] = field(default_factory=list)
    deliveries: int = 0


def build_dosing(
    *,
    seed: int,
    today: date,
    clinics: dict[str, Clinic],
    staff: dict[str, User],
    days: int = HISTORY_DAYS,
) -> DosingSummary:
    """Write ``days`` days of orders, doses, deliveries and counts up to ``today``."""
    summary = DosingSummary(days=days)
    first_day = today - timedelta(days=days)
    with transaction.atomic():
        product = _product(_actor(staff["eve"], clinics["harbor"]))
        sites = {
            code: _site(code, clinic, staff, product, first_day, today)
            for code, clinic in clinics.items()
        }
    for site in sites.values():
        site.courses = _plan_courses(seed, site, first_day, today)
        with transaction.atomic():
            for course in site.courses:
                if course.medication == "methadone":
                    qtc_record(
                        actor=site.prescriber,
                        patient=course.episode.patient,
                        measured_on=course.start - timedelta(days=1),
                        qtc_ms=_rng(seed, course, "qtc").randint(400, 455),
                    )
    # The history is entered today, weeks after the fact: for the build only, the site
    # policy's back-entry limit reaches back to the first day (the service reads the
    # policy at each call), then it is put back.
    site_policy = policy.DOSING_POLICY
    policy.DOSING_POLICY = replace(site_policy, back_entry_limit=timedelta(days=days + 2))
    try:
        day = first_day
        while day <= today:
            for site in sites.values():
                with transaction.atomic():
                    _prescriber_pass(site, day, summary, first_day)
                    if day not in site.closed:
                        _window(site, day, today, summary)
            day += timedelta(days=1)
    finally:
        policy.DOSING_POLICY = site_policy
    for site in sites.values():
        summary.receipts += site.deliveries
        summary.due_today += sum(
            1
            for c in site.courses
            if c.medication == "methadone"
            and c.order
            and c.last_dose != today
            and (c.end is None or c.end > today)
        )
    return summary


def _actor(user: User, clinic: Clinic) -> Actor:
    return Actor(
        user=user,
        clinic=clinic,
        roles=tuple(sorted(roles_at(user, clinic.id))),
        user_agent="mooring demo",
        channel="cli",
    )


def _product(actor: Actor) -> Product:
    return product_create(
        actor=actor,
        code="methadone-10-ml",
        name="Methadone oral concentrate 10 mg/mL",
        medication="methadone",
        form="oral_liquid",
        concentration_mg_per_ml=Decimal("10"),
    )


def _site(
    code: str,
    clinic: Clinic,
    staff: dict[str, User],
    product: Product,
    first_day: date,
    today: date,
) -> _Clinic:
    prescriber, nurse, director = WORKERS[code]
    closures = set(clinic.closures.values_list("date", flat=True))
    closed = {
        first_day + timedelta(days=n)
        for n in range((today - first_day).days + 1)
        if not clinic.is_open_weekday((first_day + timedelta(days=n)).isoweekday())
        or first_day + timedelta(days=n) in closures
    }
    return _Clinic(
        clinic=clinic,
        prescriber=_actor(staff[prescriber], clinic),
        nurse=_actor(staff[nurse], clinic),
        director=_actor(staff[director], clinic),
        product=product,
        closed=closed,
    )


def _rng(seed: int, course: _Course, purpose: str) -> random.Random:
    return random.Random(f"{seed}:dosing:{course.episode.patient.mrn}:{purpose}")


def _plan_courses(seed: int, site: _Clinic, first_day: date, today: date) -> list[_Course]:
    """Every OTP or office-based episode that overlaps the window, with its attendance."""
    episodes = (
        Episode.objects.filter(
            clinic=site.clinic,
            program_type__in=[ProgramType.OTP, ProgramType.OFFICE_BASED],
            admitted_on__lte=today,
        )
        .exclude(discharged_on__lte=first_day)
        .select_related("patient")
        .order_by("patient__mrn", "admitted_on")
    )
    courses = []
    away_today = 0
    methadone_rank = 0
    for episode in episodes:
        start = max(episode.admitted_on, first_day)
        end = episode.discharged_on
        if end is not None and end <= start + timedelta(days=1):
            continue
        medication = "methadone" if episode.program_type == ProgramType.OTP else "buprenorphine"
        course = _Course(
            episode=episode,
            medication=medication,
            start=start,
            end=end,
            target_mg=Decimal(0),
            absent=set(),
            dosed_early_today=False,
        )
        rng = _rng(seed, course, "plan")
        values, weights = zip(*MAINTENANCE_MG, strict=True)
        course.target_mg = Decimal(rng.choices(values, weights)[0])
        attendance = 0.93 if rng.random() < 0.8 else 0.8
        days = (today - start).days
        course.absent = {
            start + timedelta(days=n) for n in range(1, days) if rng.random() > attendance
        }
        # Every 9th methadone course has a 3-4 day gap, every 13th one of a week or more,
        # and every 17th open one (at most four) has been away up to today.
        methadone_rank += medication == "methadone"
        if medication == "methadone" and days > 20 and methadone_rank % 9 == 4:
            # Away for 3-4 days: the dose waits for the prescriber's review.
            gap_start = start + timedelta(days=rng.randint(8, days - 6))
            course.absent |= {gap_start + timedelta(days=n) for n in range(rng.randint(3, 4))}
        elif medication == "methadone" and days > 24 and methadone_rank % 13 == 8:
            # Away a week or more: tolerance may be lost; re-induced at 30 mg.
            gap_start = start + timedelta(days=rng.randint(8, days - 12))
            course.absent |= {gap_start + timedelta(days=n) for n in range(rng.randint(6, 9))}
        elif (
            medication == "methadone"
            and end is None
            and days > 10
            and methadone_rank % 17 == 2
            and away_today < 4
        ):
            # Has not come for several days, up to today: held on today's queue.
            away_today += 1
            course.absent |= {today - timedelta(days=n) for n in range(1, rng.randint(3, 6) + 1)}
        course.absent.discard(start)
        course.dosed_early_today = rng.random() < 0.3
        courses.append(course)
    return courses


# --- the prescriber ------------------------------------------------------------------------


def _prescriber_pass(site: _Clinic, day: date, summary: DosingSummary, first_day: date) -> None:
    for course in site.courses:
        if day == course.start and course.order is None:
            _first_order(site, course, first_day, summary)
        elif course.end is not None and day == course.end and course.order is not None:
            order_end(
                actor=site.prescriber,
                order=course.order,
                end_date=day,
                reason="Discharged from the program.",
            )
        elif (
            course.medication == "buprenorphine"
            and course.order is not None
            and course.current_mg < course.target_mg
            and day == course.start + timedelta(days=1)
        ):
            course.order = _sign_change(
                site,
                course,
                day,
                Decimal(16),
                "maintenance",
                "Induction completed at home per the office-based protocol; reviewed by phone.",
                summary,
            )
            course.current_mg = Decimal(16)


def _first_order(site: _Clinic, course: _Course, first_day: date, summary: DosingSummary) -> None:
    """Induction for someone admitted in the window; their maintenance dose for the rest."""
    inducting = course.episode.admitted_on >= first_day
    if course.medication == "methadone":
        mg = INDUCTION_MG if inducting else course.target_mg
        data = OrderDraft(
            medication="methadone",
            form="oral_liquid",
            phase="induction" if inducting else "maintenance",
            daily_dose_mg=mg,
            start_date=course.start,
        )
        course.next_step = course.start + timedelta(days=STEP_EVERY_DAYS) if inducting else None
    else:
        mg = Decimal(8) if inducting else Decimal(16)
        data = OrderDraft(
            medication="buprenorphine_naloxone",
            form="film",
            phase="induction" if inducting else "maintenance",
            daily_dose_mg=mg,
            split=2 if inducting else 1,
            observed=False,
            start_date=course.start,
        )
        course.target_mg = Decimal(16)
    draft = order_draft(actor=site.prescriber, patient=course.episode.patient, data=data)
    reason = GO_LIVE_REASON % first_day.isoformat()
    try:
        course.order = order_sign(actor=site.prescriber, order=draft, as_of=course.start)
    except RuleRefused as refused:
        if not refused.overridable:
            raise
        course.order = order_sign(
            actor=site.prescriber, order=draft, override_reason=reason, as_of=course.start
        )
    course.current_mg = mg
    summary.orders += 1


def _sign_change(
    site: _Clinic,
    course: _Course,
    day: date,
    mg: Decimal,
    phase: str,
    reason: str,
    summary: DosingSummary,
    *,
    split: int = 1,
) -> MedicationOrder:
    """Change the order from ``day``; the reason is used only if a rule refuses."""
    assert course.order is not None
    try:
        new = order_change(
            actor=site.prescriber,
            previous=course.order,
            start_date=day,
            daily_dose_mg=mg,
            split=split,
            phase=phase,
            as_of=day,
        )
    except RuleRefused as refused:
        if not refused.overridable:
            raise
        new = order_change(
            actor=site.prescriber,
            previous=course.order,
            start_date=day,
            daily_dose_mg=mg,
            split=split,
            phase=phase,
            override_reason=reason,
            as_of=day,
        )
    summary.orders += 1
    return new


def _titrate(site: _Clinic, course: _Course, day: date, summary: DosingSummary) -> None:
    """Raise by one step if the rules core agrees today; otherwise try again tomorrow."""
    mg = min(course.current_mg + STEP_MG, course.target_mg)
    phase = "maintenance" if mg == course.target_mg else "titration"
    assert course.order is not None
    try:
        course.order = order_change(
            actor=site.prescriber,
            previous=course.order,
            start_date=day,
            daily_dose_mg=mg,
            phase=phase,
            as_of=day,
        )
    except RuleRefused:
        course.next_step = day + timedelta(days=1)
        return
    summary.orders += 1
    course.current_mg = mg
    course.next_step = day + timedelta(days=STEP_EVERY_DAYS) if mg < course.target_mg else None


# --- the nurse -----------------------------------------------------------------------------


def _window(site: _Clinic, day: date, today: date, summary: DosingSummary) -> None:
    clinic = site.clinic
    opens, closes = _hours(clinic, day)
    latest = now() - timedelta(minutes=1)
    used: dict[int, StockBottle] = {}
    rng = random.Random(f"window:{clinic.code}:{day.isoformat()}")
    profile = rules_bridge.profile_for(clinic)
    hold_after = profile.missed_dose.hold_after_missed_days.value
    reinduce_after = profile.missed_dose.reinduce_after_missed_days.value
    span = max(int((closes - opens).total_seconds() // 60) - 30, 1)
    for course in site.courses:
        order = course.order
        if course.medication != "methadone" or order is None or day < course.start:
            continue
        if course.end is not None and day >= course.end:
            continue
        if day in course.absent or (day == today and not course.dosed_early_today):
            continue
        at = opens + timedelta(minutes=rng.randint(0, span))
        if at > latest:
            continue
        last = course.last_dose or (order.start_date - timedelta(days=1))
        missed = max((day - last).days - 1, 0)
        if missed >= reinduce_after:
            course.order = _sign_change(
                site,
                course,
                day,
                INDUCTION_MG,
                "induction",
                REINDUCE_REASON % missed,
                summary,
            )
            course.current_mg = INDUCTION_MG
            course.next_step = day + timedelta(days=STEP_EVERY_DAYS)
            summary.reinductions += 1
        elif missed >= hold_after:
            missed_dose_review(
                actor=site.prescriber, order=order, note=REVIEW_NOTE % missed, service_date=day
            )
            summary.reviews += 1
        elif course.next_step is not None and day >= course.next_step:
            _titrate(site, course, day, summary)
        order = course.order
        amount = order.per_administration_mg
        bottle = _bottle_for(site, amount, at, day)
        dose_dispense(
            actor=site.nurse,
            order=order,
            amount_mg=amount,
            stock_bottle=bottle,
            idempotency_key=f"demo-{order.uuid}-{day.isoformat()}",
            administered_at=at,
        )
        used[bottle.pk] = bottle
        course.last_dose = day
        summary.doses += 1
    if day < today:
        for bottle in used.values():
            reconciliation_count(
                actor=site.nurse,
                bottle=bottle,
                counted_ml=bottle.balance_ml,
                counted_at=closes,
            )
            summary.counts += 1


def _hours(clinic: Clinic, day: date) -> tuple[datetime, datetime]:
    start, end = clinic.opening_hours[str(day.isoweekday())]
    opens = datetime.combine(day, time.fromisoformat(start), tzinfo=clinic.tz)
    closes = datetime.combine(day, time.fromisoformat(end), tzinfo=clinic.tz)
    return opens, closes


def _bottle_for(site: _Clinic, amount: Decimal, at: datetime, day: date) -> StockBottle:
    """The open bottle if it holds the dose; else waste its residue and open the next."""
    for bottle in site.bottles:
        if bottle.status == BottleStatus.EMPTY:
            continue
        if bottle.balance_mg >= amount:
            return bottle
        if bottle.balance_mg > 0 and bottle.balance_mg < RESIDUE_MG:
            stock_waste(
                actor=site.nurse,
                bottle=bottle,
                amount_mg=bottle.balance_mg,
                reason="Residue at the bottom of the bottle, too little to measure a dose.",
                witness=site.director.user,
                occurred_at=at,
            )
    received = stock_receive(
        actor=site.director,
        clinic=site.clinic,
        product=site.product,
        supplier="Mallinckrodt",
        lot=f"MD{day:%y%m}{site.deliveries + 1:02d}",
        expires_on=day + timedelta(days=540),
        bottle_count=BOTTLES_PER_DELIVERY,
        quantity_mg_per_bottle=BOTTLE_MG,
        invoice_number=f"DEA-222-{site.clinic.code[:1].upper()}{day:%y%m%d}",
        received_at=at - timedelta(minutes=20),
    )
    site.deliveries += 1
    site.bottles = [b for b in site.bottles if b.status != BottleStatus.EMPTY] + received.bottles
    return _bottle_for(site, amount, at, day)
