"""The rest of the demo's medication work: take-homes, long-acting injections and naloxone.

Called after :mod:`mooring.demo.dosing`, through the same services the pages use:

* **Take-homes.** A week after go-live the prescriber records a criteria assessment
  (``takehome_assessment_record``) for each stable methadone patient past day 30; most meet
  every criterion, some do not (the rule then allows no regular take-home). For some of
  those who do, the nurse hands over take-home bottles (``takehome_issue``, the rule deciding)
  on days they did not come to the window, the day before, and checks each bottle in at
  their next visit (``takehome_return_check``): returned empty, except a couple not returned,
  which leave concerns on the worklist. Bottles for today, and those whose holder has not
  been back yet, are still out on the demo morning.
* **Injections.** A few office-based patients switch from buprenorphine/naloxone film to
  monthly buprenorphine (Sublocade) or weekly buprenorphine (Brixadi), or taper off and start
  extended-release naltrexone; injections are given on schedule (``injection_give``), and one
  weekly patient has missed the last one (overdue).
* **Naloxone.** Most people with an open episode got a kit (``naloxone_kit_give``), some also
  one for a household member, with training recorded; a few have none on record.

Take-home hand-overs and check-ins have no back-entry path (the service reads the clock), so
the build sets the clock back to each hand-over and check-in (:func:`_clock_at`), never ahead
of the real time; their audit events carry those times. Everything else is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mooring.accounts.access import roles_at
from mooring.accounts.models import Clinic, User
from mooring.core.context import Actor
from mooring.core.errors import DomainError
from mooring.injections.services import injection_give
from mooring.inventory.models import Product, StockBottle
from mooring.inventory.services import stock_receive
from mooring.medications.models import DoseAdministration, DoseKind, MedicationOrder, OrderStatus
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.services import OrderDraft, order_draft, order_end, order_sign
from mooring.naloxone.services import naloxone_kit_give
from mooring.patients.models import Episode, ProgramType
from mooring.takehomes.services import (
    takehome_assessment_record,
    takehome_issue,
    takehome_return_check,
)

ALL_CRITERIA = (
    "no_active_risk_condition",
    "regular_attendance",
    "no_serious_behavioural_problems",
    "no_recent_diversion",
    "safe_transport_and_storage",
    "practitioner_other_criteria",
)
ASSESSED_AFTER_DAYS = 7  # the prescriber assesses a week after go-live
PAST_DAY = 30  # "past day 30" of treatment on the assessment day
HANDOVERS_PER_PERSON = 3
NOT_RETURNED_AT = 5  # at each clinic the 5th bottle checked in did not come back
WORKERS = {"harbor": ("ada", "ben"), "ridge": ("rita", "sam")}
RELATIONSHIPS = ("mother", "partner", "sister", "roommate", "father", "friend")
HOUSEHOLD_NAMES = ("Maria", "Dana", "Luis", "Grace", "Tom", "Aisha", "Sean", "Linh")


@dataclass
class TreatmentSummary:
    assessments: int = 0
    assessed_unmet: int = 0
    takehome_patients: int = 0
    takehome_bottles: int = 0
    returned_empty: int = 0
    not_returned: int = 0
    bottles_out: int = 0
    injection_patients: int = 0
    injections: int = 0
    orders: int = 0
    kits: int = 0
    household_kits: int = 0
    no_naloxone: int = 0
    patients: dict[str, list[str]] = field(default_factory=dict)


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """Read ``moment`` as the time for services without a back-entry path (never the future)."""
    real = timezone.now
    if moment > real():
        raise ValueError(f"The demo never writes ahead of the real time ({moment}).")
    # As Django's own clock: in UTC (the audit hash is computed on the value as stored).
    utc = moment.astimezone(UTC)
    timezone.now = lambda: utc  # type: ignore[assignment]
    try:
        yield
    finally:
        timezone.now = real  # type: ignore[assignment]


def _actor(user: User, clinic: Clinic) -> Actor:
    return Actor(
        user=user,
        clinic=clinic,
        roles=tuple(sorted(roles_at(user, clinic.id))),
        user_agent="mooring demo",
        channel="cli",
    )


def _at(clinic: Clinic, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clinic.tz)


def build_treatment(
    *, seed: int, today: date, clinics: dict[str, Clinic], staff: dict[str, User], days: int
) -> TreatmentSummary:
    summary = TreatmentSummary()
    first_day = today - timedelta(days=days)
    for code, clinic in sorted(clinics.items()):
        prescriber, nurse = (_actor(staff[u], clinic) for u in WORKERS[code])
        with transaction.atomic():
            _takehomes(seed, clinic, prescriber, nurse, first_day, today, summary)
        with transaction.atomic():
            _injections(seed, code, clinic, prescriber, nurse, first_day, today, summary)
        with transaction.atomic():
            _naloxone(seed, clinic, nurse, first_day, today, summary)
    return summary


# --- take-homes ----------------------------------------------------------------------------


def _takehomes(
    seed: int,
    clinic: Clinic,
    prescriber: Actor,
    nurse: Actor,
    first_day: date,
    today: date,
    summary: TreatmentSummary,
) -> None:
    assessed_on = first_day + timedelta(days=ASSESSED_AFTER_DAYS)
    episodes = Episode.objects.filter(
        clinic=clinic,
        program_type=ProgramType.OTP,
        discharged_on__isnull=True,
        admitted_on__lt=assessed_on - timedelta(days=PAST_DAY),
    ).select_related("patient")
    chosen = []
    for episode in episodes.order_by("patient__mrn"):
        patient = episode.patient
        orders = list(
            MedicationOrder.objects.filter(
                patient=patient, medication="methadone", status=OrderStatus.SIGNED
            )
        )
        # Stable: one maintenance order the whole window (no titration, no re-induction).
        if len(orders) != 1 or orders[0].phase != "maintenance":
            continue
        rng = random.Random(f"{seed}:treatment:{patient.mrn}")
        met = list(ALL_CRITERIA)
        if rng.random() < 0.2:
            met.remove(rng.choice(["regular_attendance", "safe_transport_and_storage"]))
            summary.assessed_unmet += 1
        at = _at(clinic, assessed_on, 11, rng.randint(0, 59))
        with _clock_at(at):
            takehome_assessment_record(
                actor=prescriber,
                patient=patient,
                criteria_met=met,
                note="Reviewed at the monthly visit."
                if len(met) == len(ALL_CRITERIA)
                else "Not yet: to review next month.",
            )
        summary.assessments += 1
        if len(met) == len(ALL_CRITERIA) and rng.random() < 0.5:
            chosen.append((orders[0], rng))
    if not chosen:
        return
    stock = _takehome_stock(clinic, nurse, first_day)
    checked = 0
    for order, rng in chosen:
        doses = dict(
            DoseAdministration.objects.filter(order=order, kind=DoseKind.OBSERVED).values_list(
                "service_date", "administered_at"
            )
        )
        # A day without a dose, after a day with one (the hand-over), after the assessment.
        candidates = [
            day
            for day in (
                assessed_on + timedelta(days=n) for n in range(2, (today - assessed_on).days + 2)
            )
            if day not in doses and (day - timedelta(days=1)) in doses and order.is_active_on(day)
        ]
        picks = sorted(rng.sample(candidates, min(HANDOVERS_PER_PERSON, len(candidates))))
        issued = False
        for day in picks:
            handed = doses[day - timedelta(days=1)] + timedelta(minutes=2)
            if handed > timezone.now():
                continue
            try:
                with _clock_at(handed):
                    [bottle] = takehome_issue(
                        actor=nurse,
                        order=order,
                        dates=[day],
                        stock_bottle=_usable(stock, order.daily_dose_mg),
                        idempotency_key=f"demo-takehome-{order.uuid}-{day.isoformat()}",
                    )
            except DomainError:
                continue  # the rule or a blocker said no that day: as at the window
            issued = True
            summary.takehome_bottles += 1
            back = min((d for d in doses if d > day), default=None)
            if back is None:  # not back yet: the bottle is still out (or due back today)
                summary.bottles_out += 1
                continue
            checked += 1
            missing = checked == NOT_RETURNED_AT
            with _clock_at(doses[back] - timedelta(minutes=1)):
                takehome_return_check(
                    actor=nurse,
                    bottle=bottle,
                    outcome="not_returned" if missing else "returned_empty",
                    note="Says the bottle was left at a friend's; asked to bring it next time."
                    if missing
                    else "",
                )
            if missing:
                summary.not_returned += 1
            else:
                summary.returned_empty += 1
        if issued:
            summary.takehome_patients += 1
            summary.patients.setdefault("takehomes", []).append(order.patient.mrn)


def _takehome_stock(clinic: Clinic, nurse: Actor, first_day: date) -> list[StockBottle]:
    """Two bottles set aside for take-home doses, received on the go-live morning."""
    product = Product.objects.get(code="methadone-10-ml")
    return stock_receive(
        actor=nurse,
        clinic=clinic,
        product=product,
        supplier="Mallinckrodt",
        lot=f"TH{first_day:%y%m}{clinic.code[:1].upper()}",
        expires_on=first_day + timedelta(days=540),
        bottle_count=2,
        quantity_mg_per_bottle=Decimal("10000"),
        invoice_number=f"DEA-222-TH-{clinic.code[:1].upper()}{first_day:%y%m%d}",
        received_at=_at(clinic, first_day, 7),
    ).bottles


def _usable(stock: list[StockBottle], mg: Decimal) -> StockBottle:
    for bottle in stock:
        bottle.refresh_from_db()
        if bottle.balance_mg >= mg:
            return bottle
    return stock[-1]


# --- injections ----------------------------------------------------------------------------

# (product, order medication, order mg, the switch day and injection days before today)
_INJECTION_CAST = {
    "harbor": (
        ("sublocade", "buprenorphine_xr_monthly", 300, 33, (33, 5)),
        ("sublocade", "buprenorphine_xr_monthly", 300, 29, (29,)),
        ("sublocade", "buprenorphine_xr_monthly", 300, 18, (18,)),
        ("naltrexone_xr", "naltrexone_xr", 380, 22, (22,)),
        ("brixadi_weekly", "buprenorphine_xr_weekly", 24, 33, (33, 26, 19, 12)),
    ),
    "ridge": (
        ("sublocade", "buprenorphine_xr_monthly", 300, 31, (31, 3)),
        ("naltrexone_xr", "naltrexone_xr", 380, 20, (20,)),
    ),
}
_SITES = {
    "sublocade": ("abdomen_left", "abdomen_right"),
    "brixadi_weekly": ("abdomen_left", "thigh_right", "abdomen_right", "thigh_left"),
    "naltrexone_xr": ("gluteal_left", "gluteal_right"),
}


def _injections(
    seed: int,
    code: str,
    clinic: Clinic,
    prescriber: Actor,
    nurse: Actor,
    first_day: date,
    today: date,
    summary: TreatmentSummary,
) -> None:
    """Switch a few office-based patients from film to a long-acting injection."""
    film = list(
        MedicationOrder.objects.filter(
            clinic=clinic,
            medication="buprenorphine_naloxone",
            status=OrderStatus.SIGNED,
            end_date__isnull=True,
            phase="maintenance",
            start_date=first_day,
            patient__episodes__discharged_on__isnull=True,
        )
        .select_related("patient", "clinic")
        .order_by("patient__mrn")
        .distinct()
    )
    rng = random.Random(f"{seed}:injections:{code}")
    cast = _INJECTION_CAST[code]
    for (product, medication, mg, switch, given), old in zip(
        cast, rng.sample(film, min(len(cast), len(film))), strict=False
    ):
        patient = old.patient
        start = today - timedelta(days=switch)
        if medication == "naltrexone_xr":
            # Tapered off buprenorphine on the second day, opioid-free since.
            ended = first_day + timedelta(days=1)
            order_end(
                actor=prescriber, order=old, end_date=ended, reason="Tapered off buprenorphine."
            )
            context = {
                "last_opioid": "extended_release",
                "last_opioid_use_at": _at(clinic, first_day, 9),
            }
        else:
            order_end(
                actor=prescriber,
                order=old,
                end_date=start,
                reason="Switched to a long-acting buprenorphine injection.",
            )
            context = {}
        draft = order_draft(
            actor=prescriber,
            patient=patient,
            data=OrderDraft(
                medication=medication,
                form="injection",
                phase="maintenance",
                daily_dose_mg=Decimal(mg),
                start_date=start,
                observed=True,
                **context,
            ),
        )
        try:
            order = order_sign(actor=prescriber, order=draft, as_of=start)
        except RuleRefused as refused:
            if not refused.overridable:
                raise
            order = order_sign(
                actor=prescriber,
                order=draft,
                as_of=start,
                override_reason="Switched to an injection after review; readiness documented.",
            )
        summary.orders += 1  # the film order is ended, not replaced by a change
        for number, days_before in enumerate(given):
            day = today - timedelta(days=days_before)
            injection_give(
                actor=nurse,
                order=order,
                site=_SITES[product][number % len(_SITES[product])],
                lot=f"{product[:3].upper()}-{day:%y%m}",
                expiry=day + timedelta(days=365),
                dose_mg=Decimal(mg),
                administered_at=_at(clinic, day, 10, 30),
                product=product
                if number == 0 and medication == "buprenorphine_xr_monthly"
                else None,
            )
            summary.injections += 1
        summary.injection_patients += 1
        summary.patients.setdefault("injections", []).append(patient.mrn)


# --- naloxone ------------------------------------------------------------------------------


def _naloxone(
    seed: int,
    clinic: Clinic,
    nurse: Actor,
    first_day: date,
    today: date,
    summary: TreatmentSummary,
) -> None:
    episodes = (
        Episode.objects.filter(clinic=clinic, discharged_on__isnull=True, admitted_on__lte=today)
        .select_related("patient")
        .order_by("patient__mrn")
    )
    for episode in episodes:
        patient = episode.patient
        rng = random.Random(f"{seed}:naloxone:{patient.mrn}")
        if rng.random() < 0.12:
            summary.no_naloxone += 1
            continue
        day = max(episode.admitted_on, first_day) + timedelta(days=rng.randint(0, 6))
        day = min(day, today - timedelta(days=1))
        given_at = _at(clinic, day, 10, rng.randint(0, 59))
        lot = f"NX{day:%y%m}{rng.randint(10, 99)}"
        expiry = day + timedelta(days=730)
        trained = rng.random() < 0.85
        naloxone_kit_give(
            actor=nurse,
            patient=patient,
            product="narcan_nasal_spray",
            quantity=rng.choice((1, 1, 2)),
            lot=lot,
            expiry=expiry,
            given_at=given_at,
            training_recorded=trained,
            training_note="Showed how to recognise an overdose, call 911 and give the spray."
            if trained
            else "",
        )
        summary.kits += 1
        if rng.random() < 0.25:
            naloxone_kit_give(
                actor=nurse,
                patient=patient,
                product="narcan_nasal_spray",
                quantity=1,
                lot=lot,
                expiry=expiry,
                given_at=given_at + timedelta(minutes=5),
                recipient="household",
                recipient_name=f"{rng.choice(HOUSEHOLD_NAMES)} {patient.legal_family_name}",
                recipient_relationship=rng.choice(RELATIONSHIPS),
                training_recorded=True,
                training_note="Trained with the patient: rescue breathing and the recovery "
                "position.",
            )
            summary.kits += 1
            summary.household_kits += 1
