"""Take-home doses at the dosing window: the rule decides the dates, stock moves with them.

``takehome_issue`` is one transaction: lock the order, ask the rules core which dates may go
home today, write one :class:`TakeHomeBottle` per date together with its take-home
:class:`DoseAdministration` and its inventory ledger entry, audit. Either everything is
committed or nothing is. The unique constraint on (order, for_date) backs the Python check.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ValidationFailed
from mooring.core.time import now
from mooring.inventory.models import StockBottle
from mooring.inventory.services import stock_dispense
from mooring.medications import rules_bridge as medication_rules
from mooring.medications.models import DoseAdministration, DoseHold, DoseKind, MedicationOrder
from mooring.medications.selectors import day_facts, dose_blocker
from mooring.patients.selectors import open_episode, require_patient_here
from mooring.takehomes import rules_bridge
from mooring.takehomes.models import TakeHomeBottle, TakeHomeIssue
from mooring.takehomes.selectors import latest_assessment

# No 0/O, 1/I/L, 5/S, 2/Z: the code is read aloud and typed from a label.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 5


def takehome_issue(
    *,
    actor: Actor,
    order: MedicationOrder,
    dates: Sequence[date],
    stock_bottle: StockBottle,
    idempotency_key: str,
) -> list[TakeHomeBottle]:
    """Hand over one take-home bottle of ``order`` for each of ``dates``, from ``stock_bottle``.

    The dates allowed come from the rules core under the order clinic's protocol profile:
    the days in treatment since the open episode's admission, the latest criteria
    assessment, the clinic's closures and opening weekdays. A retry with the same
    ``idempotency_key`` returns the first hand-over's bottles and moves no stock.

    Refusals carry stable codes: ``no_takehome_assessment``, ``no_open_episode``,
    ``takehome_not_allowed``, ``takehome_limit_exceeded``, ``takehome_weekly_limit``,
    ``date_not_after_today``, ``order_inactive_on_date``, ``on_hold_on_date``,
    ``wrong_product``, ``insufficient_stock`` and the dose blockers of the day
    (``on_hold``, ``appears_sedated``, ``missed_doses_*``...) (ValidationFailed);
    ``takehome_already_issued``, ``idempotency_key_reused`` (Conflict).
    """
    key = _check_key(idempotency_key)
    wanted = _check_dates(dates)
    # Checked before anything else, so a stranger to this patient learns nothing.
    clinic = require_patient_here(actor, order.patient, Capability.DISPENSE)
    with transaction.atomic():
        replay = _replay(key, order, wanted)
        if replay is not None:
            return replay
        # The order row lock serialises every hand-over of this order: a second nurse's
        # request waits here, then sees the first one's bottles.
        order = (
            MedicationOrder.objects.select_for_update(of=("self",))
            .select_related("patient", "patient__home_clinic", "clinic", "prescriber")
            .get(pk=order.pk)
        )
        replay = _replay(key, order, wanted)
        if replay is not None:
            return replay
        issued_at = now()
        today = issued_at.astimezone(clinic.tz).date()
        issue, closed_days = _decide_and_check(actor, clinic, order, wanted, stock_bottle, today)
        issue.issued_at, issue.idempotency_key = issued_at, key
        try:
            with transaction.atomic():
                issue.save()
        except IntegrityError:
            # The same key raced in for another order (whose lock we do not hold).
            raise Conflict(
                _("This request key was already used for another hand-over."),
                code="idempotency_key_reused",
                field="idempotency_key",
            ) from None
        bottles = [
            _hand_over(actor, clinic, issue, day, stock_bottle, closed_day=day in closed_days)
            for day in wanted
        ]
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="takehome_issue",
            object_id=issue.uuid,
            patient=order.patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "order": str(order.uuid),
                "medication": order.medication,
                "profile": issue.protocol_profile,
                "days_in_treatment": issue.days_in_treatment,
                "max_days": issue.max_days,
                "stock_bottle": str(stock_bottle.uuid),
                "bottles": [
                    {
                        "code": b.code,
                        "uuid": str(b.uuid),
                        "for_date": b.for_date,
                        "amount_mg": str(b.amount_mg),
                        "closed_day": b.closed_day,
                        "ledger_entry": str(b.ledger_entry.uuid),
                    }
                    for b in bottles
                ],
            },
        )
    return bottles


def _check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ValidationFailed(
            "A request key (1 to 80 characters) is required.",
            code="idempotency_key_required",
            field="idempotency_key",
        )
    return key


def _check_dates(dates: Sequence[date]) -> list[date]:
    if isinstance(dates, str | date) or not dates:
        raise ValidationFailed(
            "Choose at least one date to take home.", code="required", field="dates"
        )
    for day in dates:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationFailed(f"{day!r} is not a date.", code="invalid_date", field="dates")
    if len(set(dates)) != len(dates):
        raise ValidationFailed(
            "Each date may appear only once.", code="duplicate_date", field="dates"
        )
    return sorted(dates)


def _replay(key: str, order: MedicationOrder, wanted: list[date]) -> list[TakeHomeBottle] | None:
    first = TakeHomeIssue.objects.filter(idempotency_key=key).first()
    if first is None:
        return None
    bottles = list(
        first.bottles.select_related("ledger_entry", "stock_bottle").order_by("for_date")
    )
    if first.order_id != order.pk or [b.for_date for b in bottles] != wanted:
        raise Conflict(
            "This request key was already used for another hand-over.",
            code="idempotency_key_reused",
            field="idempotency_key",
        )
    return bottles


def _decide_and_check(
    actor: Actor,
    clinic: Clinic,
    order: MedicationOrder,
    wanted: list[date],
    stock_bottle: StockBottle,
    today: date,
) -> tuple[TakeHomeIssue, frozenset[date]]:
    """Everything that could make this hand-over wrong; an unsaved issue if none does.

    Also returns the dates the plan gives under the closed-day allowance.
    """
    patient = order.patient
    profile = medication_rules.profile_for(order.clinic)
    past = [d for d in wanted if d <= today]
    if past:
        raise ValidationFailed(
            _("Take-home doses are for the days after today's visit, not %(day)s.")
            % {"day": past[0]},
            code="date_not_after_today",
            field="dates",
        )
    # A person held, assessed as sedated or due a missed-dose review takes nothing home.
    # Judged for this clinic: a guest's host hands over take-homes, the home clinic does
    # not while the person doses elsewhere. Holding today's take-home bottle already stops
    # an observed dose today, not the hand-over of later days.
    facts = day_facts(order, today, clinic=clinic)
    blocker, _advice = dose_blocker(order, today, facts, profile)
    if blocker is not None and blocker.code != "take_home_issued_for_today":
        raise ValidationFailed(blocker.message, code=blocker.code)
    assessment = latest_assessment(patient)
    if assessment is None:
        raise ValidationFailed(
            rules_bridge.no_assessment_message(profile), code="no_takehome_assessment"
        )
    episode = open_episode(patient)
    if episode is None:
        raise ValidationFailed(
            _("The patient has no open episode of care; take-homes need one."),
            code="no_open_episode",
        )
    decision = rules_bridge.decide(
        profile=profile,
        admission_date=episode.admitted_on,
        as_of=today,
        assessment=assessment,
        closed=rules_bridge.closed_dates([order.clinic_id], today)[order.clinic_id],
        weekdays=rules_bridge.open_weekdays(order.clinic),
    )
    _check_allowed(wanted, decision)
    _check_weekly_limit(order, wanted, decision)
    _check_order_days(order, wanted)
    _check_stock(order, stock_bottle, len(wanted))
    taken = sorted(
        TakeHomeBottle.objects.filter(order=order, for_date__in=wanted).values_list(
            "for_date", flat=True
        )
    )
    if taken:
        raise Conflict(
            _("A take-home bottle for %(day)s has already been issued.") % {"day": taken[0]},
            code="takehome_already_issued",
            field="dates",
        )
    issue = TakeHomeIssue(
        order=order,
        patient=patient,
        clinic=clinic,
        assessment=assessment,
        service_date=today,
        protocol_profile=decision.eligibility.profile,
        days_in_treatment=decision.eligibility.days_in_treatment,
        max_days=decision.eligibility.max_days,
        findings=[rules_bridge.finding_as_dict(f) for f in decision.findings],
        issued_by=actor.user,
    )
    return issue, frozenset(decision.plan.closed_day_dates)


def _check_allowed(wanted: list[date], decision: rules_bridge.Decision) -> None:
    eligibility = decision.eligibility
    allowed = set(decision.allowed_dates)
    if not allowed:
        refusal = next(
            (f for f in eligibility.findings if f.code == "take_homes.criteria_unmet"),
            eligibility.findings[0],
        )
        raise ValidationFailed(
            _("No take-home dose may go out today. %(why)s") % {"why": rules_bridge.cite(refusal)},
            code="takehome_not_allowed",
            field="dates",
        )
    extra = [d for d in wanted if d not in allowed]
    if extra:
        phase = next(f for f in eligibility.findings if f.code == "take_homes.phase_limit")
        reasons = [rules_bridge.cite(phase)]
        reasons += [
            rules_bridge.cite(f)
            for f in eligibility.findings
            if f.code == "take_homes.criteria_unmet"
        ]
        raise ValidationFailed(
            _(
                "%(count)s take-home date(s) are beyond what the rule allows today "
                "(%(extra)s); allowed: %(allowed)s, next visit %(next)s. %(why)s"
            )
            % {
                "count": len(extra),
                "extra": ", ".join(d.isoformat() for d in extra),
                "allowed": ", ".join(d.isoformat() for d in decision.allowed_dates),
                "next": decision.plan.next_visit.isoformat(),
                "why": " ".join(reasons),
            },
            code="takehome_limit_exceeded",
            field="dates",
        )


def _check_weekly_limit(
    order: MedicationOrder, wanted: list[date], decision: rules_bridge.Decision
) -> None:
    """Phases with a weekly count (2001 schedule): the rule leaves counting the week to us."""
    limit = decision.eligibility.max_doses_per_week
    if limit is None:
        return
    closed = set(decision.plan.closed_day_dates)
    regular = [d for d in wanted if d not in closed]
    weeks = Counter(d.isocalendar()[:2] for d in regular)
    if not weeks:
        return
    first = min(regular)
    existing = TakeHomeBottle.objects.filter(
        patient_id=order.patient_id,
        closed_day=False,
        for_date__gte=date.fromisocalendar(*first.isocalendar()[:2], 1),
        for_date__lte=max(regular),
    ).values_list("for_date", flat=True)
    for day in existing:
        weeks[day.isocalendar()[:2]] += 1
    over = [week for week, count in weeks.items() if count > limit]
    if over:
        finding = next(
            f for f in decision.eligibility.findings if f.code == "take_homes.weekly_limit"
        )
        raise ValidationFailed(
            rules_bridge.cite(finding), code="takehome_weekly_limit", field="dates"
        )


def _check_order_days(order: MedicationOrder, wanted: list[date]) -> None:
    for day in wanted:
        if not order.is_active_on(day):
            raise ValidationFailed(
                _("The order is not in force on %(day)s.") % {"day": day},
                code="order_inactive_on_date",
                field="dates",
            )
    first, last = wanted[0], wanted[-1]
    holds = (
        DoseHold.objects.filter(
            patient_id=order.patient_id, released_at__isnull=True, starts_on__lte=last
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first))
        .order_by("starts_on", "id")
    )
    for hold in holds:
        if hold.medication and hold.medication != order.medication:
            continue
        held = [
            d for d in wanted if hold.starts_on <= d and (hold.ends_on is None or d < hold.ends_on)
        ]
        if held:
            raise ValidationFailed(
                _("On hold on %(day)s: %(reason)s") % {"day": held[0], "reason": hold.reason},
                code="on_hold_on_date",
                field="dates",
            )


def _check_stock(order: MedicationOrder, stock_bottle: StockBottle, count: int) -> None:
    if stock_bottle.product.medication != order.medication:
        raise ValidationFailed(
            _("Bottle %(label)s holds %(product)s, not the ordered medication.")
            % {"label": stock_bottle.label, "product": stock_bottle.product},
            code="wrong_product",
            field="stock_bottle",
        )
    needed = order.daily_dose_mg * count
    if stock_bottle.balance_mg < needed:
        raise ValidationFailed(
            _("Bottle %(label)s holds %(held)s mg; %(count)s take-home dose(s) need %(needed)s mg.")
            % {
                "label": stock_bottle.label,
                "held": stock_bottle.balance_mg,
                "count": count,
                "needed": needed,
            },
            code="insufficient_stock",
            field="stock_bottle",
        )


def _hand_over(
    actor: Actor,
    clinic: Clinic,
    issue: TakeHomeIssue,
    day: date,
    stock_bottle: StockBottle,
    *,
    closed_day: bool,
) -> TakeHomeBottle:
    order = issue.order
    # One bottle holds the whole day's dose (a split order is taken as directed).
    amount: Decimal = order.daily_dose_mg
    dose = DoseAdministration.objects.create(
        order=order,
        patient=order.patient,
        clinic=clinic,
        service_date=day,
        # Handed over now; taken, unobserved, on ``day``.
        administered_at=issue.issued_at,
        amount_mg=amount,
        kind=DoseKind.TAKE_HOME,
        nurse=actor.user,
        stock_bottle=stock_bottle,
        entered_at=issue.issued_at,
        idempotency_key=f"takehome:{issue.uuid.hex}:{day.isoformat()}",
    )
    entry = stock_dispense(
        actor=actor,
        bottle=stock_bottle,
        amount_mg=amount,
        occurred_at=issue.issued_at,
        reference=dose.uuid,
    )
    try:
        with transaction.atomic():
            return TakeHomeBottle.objects.create(
                code=_new_code(),
                issue=issue,
                order=order,
                patient=order.patient,
                clinic=clinic,
                for_date=day,
                closed_day=closed_day,
                amount_mg=amount,
                volume_ml=None if entry.delta_ml is None else -entry.delta_ml,
                stock_bottle=stock_bottle,
                lot=stock_bottle.lot,
                dose=dose,
                ledger_entry=entry,
                issued_at=issue.issued_at,
                issued_by=actor.user,
            )
    except IntegrityError:
        # Only reachable if two writers slipped past the order lock; the constraint holds.
        raise Conflict(
            _("A take-home bottle for %(day)s has already been issued.") % {"day": day},
            code="takehome_already_issued",
            field="dates",
        ) from None


def _new_code() -> str:
    while True:
        code = "TH-" + "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        if not TakeHomeBottle.objects.filter(code=code).exists():
            return code
