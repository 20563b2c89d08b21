"""Receiving, dispensing, wasting, moving and correcting stock: the ledger's write path.

Every movement goes through :func:`_post`: one guarded ``UPDATE ... RETURNING`` moves the
bottle's running balance (taking its row lock until the transaction ends) and refuses, in
its WHERE clause, a quarantined or expired bottle and a balance below zero; the ledger entry
is written with the balance it returned. The database check constraint on ``balance_mg``
is the second line of defence.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, transaction

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic, User
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.statements import insert_row
from mooring.core.time import now
from mooring.inventory.models import (
    BottleStatus,
    EntryKind,
    InventoryLedgerEntry,
    Product,
    StockBottle,
    StockReceipt,
)


def product_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    medication: str,
    form: str,
    concentration_mg_per_ml: Decimal | None = None,
    controlled: bool = True,
) -> Product:
    """Add a stocked preparation (for example methadone oral concentrate 10 mg/mL)."""
    if actor.clinic is None:
        raise ValidationFailed("Choose a clinic first.", code="clinic_required")
    access.require(actor.user, Capability.MANAGE_INVENTORY, actor.clinic.id)
    problems = ProblemSet()
    if concentration_mg_per_ml is not None and concentration_mg_per_ml <= 0:
        problems.add(
            "concentration_mg_per_ml",
            "not_positive",
            "The concentration must be more than 0 mg/mL.",
        )
    if Product.objects.filter(code=code).exists():
        problems.add("code", "duplicate", f"A product with code {code} already exists.")
    problems.raise_if_any()
    with transaction.atomic():
        product = Product.objects.create(
            code=code,
            name=name,
            medication=medication,
            form=form,
            concentration_mg_per_ml=concentration_mg_per_ml,
            controlled=controlled,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="product",
            object_id=product.uuid,
            detail={"code": code, "name": name},
        )
    return product


@dataclass(frozen=True)
class Received:
    receipt: StockReceipt
    bottles: list[StockBottle]


def stock_receive(
    *,
    actor: Actor,
    clinic: Clinic,
    product: Product,
    supplier: str,
    lot: str,
    expires_on: date,
    bottle_count: int,
    quantity_mg_per_bottle: Decimal,
    invoice_number: str = "",
    received_at: datetime | None = None,
) -> Received:
    """Receive a delivery: one lot, ``bottle_count`` sealed bottles, one receipt entry each."""
    access.require(actor.user, Capability.MANAGE_INVENTORY, clinic.id)
    received_at = received_at or now()
    problems = ProblemSet()
    if not supplier.strip():
        problems.add("supplier", "required", "Enter the supplier.")
    if not lot.strip():
        problems.add("lot", "required", "Enter the lot number.")
    if expires_on <= received_at.astimezone(clinic.tz).date():
        problems.add("expires_on", "expired", "This lot has already expired; do not receive it.")
    if bottle_count < 1:
        problems.add("bottle_count", "not_positive", "Receive at least one bottle.")
    if quantity_mg_per_bottle <= 0:
        problems.add(
            "quantity_mg_per_bottle", "not_positive", "Each bottle must hold more than 0 mg."
        )
    problems.raise_if_any()
    with transaction.atomic():
        receipt = StockReceipt.objects.create(
            clinic=clinic,
            product=product,
            supplier=supplier.strip(),
            lot=lot.strip(),
            invoice_number=invoice_number,
            expires_on=expires_on,
            bottle_count=bottle_count,
            quantity_mg_per_bottle=quantity_mg_per_bottle,
            received_at=received_at,
            received_by=actor.user,
        )
        bottles = []
        for _index in range(bottle_count):
            bottle = StockBottle.objects.create(
                clinic=clinic,
                product=product,
                receipt=receipt,
                label=_new_label(clinic),
                lot=receipt.lot,
                expires_on=expires_on,
                balance_ml=Decimal(0) if product.concentration_mg_per_ml else None,
            )
            _post(
                actor=actor,
                bottle=bottle,
                kind=EntryKind.RECEIPT,
                delta_mg=quantity_mg_per_bottle,
                occurred_at=received_at,
                reference=receipt.uuid,
            )
            bottles.append(bottle)
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="stock_receipt",
            object_id=receipt.uuid,
            clinic=clinic,
            detail={
                "product": product.code,
                "lot": receipt.lot,
                "bottles": bottle_count,
                "mg_per_bottle": str(quantity_mg_per_bottle),
                "supplier": supplier,
            },
        )
    return Received(receipt, bottles)


def _new_label(clinic: Clinic) -> str:
    return f"{clinic.code[:6].upper()}-{uuid_module.uuid4().hex[:8].upper()}"


def stock_dispense(
    *,
    actor: Actor,
    bottle: StockBottle,
    amount_mg: Decimal,
    occurred_at: datetime,
    reference: uuid_module.UUID,
) -> InventoryLedgerEntry:
    """Take a dose's amount from a bottle; the caller's transaction audits the dose.

    Must run inside the dose's transaction so that a dose row never exists without its
    ledger entry, or the reverse. Refuses a bottle at another clinic, a quarantined or
    empty bottle, an expired lot, and more than the bottle holds ("insufficient_stock").
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_dispense must run inside the dose's transaction")
    if actor.clinic is None or bottle.clinic_id != actor.clinic.id:
        raise ValidationFailed(
            "This bottle belongs to another clinic's stock.",
            code="bottle_wrong_clinic",
            field="stock_bottle",
        )
    access.require(actor.user, Capability.DISPENSE, bottle.clinic_id)
    return _post(
        actor=actor,
        bottle=bottle,
        kind=EntryKind.DISPENSE,
        delta_mg=-amount_mg,
        occurred_at=occurred_at,
        reference=reference,
        # A refusal here fails the dose: the caller's transaction is rolled back whole, so
        # a savepoint of our own would only cost two more round trips.
        savepoint=False,
    )


def stock_waste(
    *,
    actor: Actor,
    bottle: StockBottle,
    amount_mg: Decimal,
    reason: str,
    witness: User | None = None,
    occurred_at: datetime | None = None,
) -> InventoryLedgerEntry:
    """Record stock wasted (for example a dose prepared and refused), with a reason."""
    return _removal(
        actor=actor,
        bottle=bottle,
        kind=EntryKind.WASTE,
        amount_mg=amount_mg,
        reason=reason,
        witness=witness,
        occurred_at=occurred_at,
    )


def stock_spill(
    *,
    actor: Actor,
    bottle: StockBottle,
    amount_mg: Decimal,
    reason: str,
    witness: User | None,
    occurred_at: datetime | None = None,
) -> InventoryLedgerEntry:
    """Record a spill; a second person must witness it."""
    return _removal(
        actor=actor,
        bottle=bottle,
        kind=EntryKind.SPILL,
        amount_mg=amount_mg,
        reason=reason,
        witness=witness,
        occurred_at=occurred_at,
    )


def _removal(
    *,
    actor: Actor,
    bottle: StockBottle,
    kind: EntryKind,
    amount_mg: Decimal,
    reason: str,
    witness: User | None,
    occurred_at: datetime | None,
) -> InventoryLedgerEntry:
    access.require(actor.user, Capability.MANAGE_INVENTORY, bottle.clinic_id)
    problems = ProblemSet()
    _check_amount(problems, amount_mg)
    if not reason.strip():
        problems.add("reason", "required", "Say what happened.")
    _check_witness(problems, actor, bottle, witness, required=kind == EntryKind.SPILL)
    problems.raise_if_any()
    with transaction.atomic():
        entry = _post(
            actor=actor,
            bottle=bottle,
            kind=kind,
            delta_mg=-amount_mg,
            occurred_at=occurred_at or now(),
            reason=reason.strip(),
            witness=witness,
        )
        _audit_entry(actor, entry)
    return entry


def stock_adjust(
    *,
    actor: Actor,
    bottle: StockBottle,
    delta_mg: Decimal,
    reason: str,
    occurred_at: datetime | None = None,
    reference: uuid_module.UUID | None = None,
) -> InventoryLedgerEntry:
    """Correct a bottle's book balance by ``delta_mg`` (signed), with a reason."""
    access.require(actor.user, Capability.MANAGE_INVENTORY, bottle.clinic_id)
    problems = ProblemSet()
    if delta_mg == 0:
        problems.add("delta_mg", "zero", "An adjustment must change the balance.")
    if not reason.strip():
        problems.add("reason", "required", "Say why the balance is adjusted.")
    problems.raise_if_any()
    with transaction.atomic():
        entry = _post(
            actor=actor,
            bottle=bottle,
            kind=EntryKind.ADJUSTMENT,
            delta_mg=delta_mg,
            occurred_at=occurred_at or now(),
            reason=reason.strip(),
            reference=reference,
        )
        _audit_entry(actor, entry)
    return entry


@dataclass(frozen=True)
class Transfer:
    out_entry: InventoryLedgerEntry
    in_entry: InventoryLedgerEntry
    new_bottle: StockBottle


def stock_transfer(
    *,
    actor: Actor,
    bottle: StockBottle,
    to_clinic: Clinic,
    amount_mg: Decimal,
    reason: str = "",
    occurred_at: datetime | None = None,
) -> Transfer:
    """Move ``amount_mg`` of a bottle to another clinic, into a new bottle of the same lot."""
    access.require(actor.user, Capability.MANAGE_INVENTORY, bottle.clinic_id)
    access.require(actor.user, Capability.MANAGE_INVENTORY, to_clinic.id)
    problems = ProblemSet()
    _check_amount(problems, amount_mg)
    if to_clinic.id == bottle.clinic_id:
        problems.add("to_clinic", "same_clinic", "Choose a different clinic to transfer to.")
    problems.raise_if_any()
    occurred_at = occurred_at or now()
    with transaction.atomic():
        out_entry = _post(
            actor=actor,
            bottle=bottle,
            kind=EntryKind.TRANSFER_OUT,
            delta_mg=-amount_mg,
            occurred_at=occurred_at,
            reason=reason,
        )
        new_bottle = StockBottle.objects.create(
            clinic=to_clinic,
            product=bottle.product,
            receipt=bottle.receipt,
            label=_new_label(to_clinic),
            lot=bottle.lot,
            expires_on=bottle.expires_on,
            balance_ml=Decimal(0) if bottle.product.concentration_mg_per_ml else None,
        )
        in_entry = _post(
            actor=actor,
            bottle=new_bottle,
            kind=EntryKind.TRANSFER_IN,
            delta_mg=amount_mg,
            occurred_at=occurred_at,
            reason=reason,
            transfer_pair=out_entry,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="stock_transfer",
            object_id=out_entry.uuid,
            clinic=bottle.clinic,
            detail={
                "from_bottle": str(bottle.uuid),
                "to_bottle": str(new_bottle.uuid),
                "to_clinic": to_clinic.code,
                "mg": str(amount_mg),
            },
        )
    return Transfer(out_entry, in_entry, new_bottle)


def ledger_reverse(
    *, actor: Actor, entry: InventoryLedgerEntry, reason: str
) -> InventoryLedgerEntry:
    """Cancel a mistaken entry with an equal and opposite one; the original stays."""
    access.require(actor.user, Capability.MANAGE_INVENTORY, entry.clinic_id)
    if not reason.strip():
        raise ValidationFailed("Say why this entry is reversed.", code="required", field="reason")
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationFailed(
            "A reversal cannot itself be reversed; post a new entry.", code="reverse_of_reversal"
        )
    if entry.kind == EntryKind.DISPENSE:
        # The dose was given; its stock can only be corrected together with the dose record.
        raise ValidationFailed(
            "A dispense is corrected through its dose record.", code="reverse_through_dose"
        )
    with transaction.atomic():
        if InventoryLedgerEntry.objects.filter(reverses=entry).exists():
            raise Conflict("This entry has already been reversed.", code="already_reversed")
        reversal = _post(
            actor=actor,
            bottle=entry.bottle,
            kind=EntryKind.REVERSAL,
            delta_mg=-entry.delta_mg,
            occurred_at=now(),
            reason=reason.strip(),
            reverses=entry,
        )
        _audit_entry(actor, reversal, extra={"reverses": str(entry.uuid)})
    return reversal


def stock_quarantine(*, actor: Actor, bottle: StockBottle, reason: str) -> StockBottle:
    """Take a bottle out of use (suspected tampering, damage); its balance stays on the books."""
    access.require(actor.user, Capability.MANAGE_INVENTORY, bottle.clinic_id)
    if not reason.strip():
        raise ValidationFailed(
            "Say why the bottle is quarantined.", code="required", field="reason"
        )
    with transaction.atomic():
        locked = StockBottle.objects.select_for_update().get(pk=bottle.pk)
        locked.status = BottleStatus.QUARANTINED
        locked.save(update_fields=["status"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="stock_bottle",
            object_id=locked.uuid,
            clinic=locked.clinic,
            detail={"status": "quarantined", "reason": reason.strip()},
        )
    return locked


# --- the one write path of the ledger ------------------------------------------------------


def _post(
    *,
    actor: Actor,
    bottle: StockBottle,
    kind: EntryKind,
    delta_mg: Decimal,
    occurred_at: datetime,
    reason: str = "",
    witness: User | None = None,
    reverses: InventoryLedgerEntry | None = None,
    transfer_pair: InventoryLedgerEntry | None = None,
    reference: uuid_module.UUID | None = None,
    savepoint: bool = True,
) -> InventoryLedgerEntry:
    # The product never changes under a bottle, so the caller's copy gives the volume.
    delta_ml = bottle.product.ml_for(delta_mg)
    local_day = _local_day(actor, bottle, occurred_at) if delta_mg < 0 else None
    with transaction.atomic(savepoint=savepoint):
        moved = _move(bottle.pk, kind, delta_mg, delta_ml, occurred_at, local_day)
        if moved is None:
            # Something refuses; say what, from the row as it is now (locked until the end).
            # If nothing does any more (another writer changed it between the two
            # statements), draw again: this time under our lock, so the answer stands.
            _refuse(bottle, delta_mg, occurred_at)
            moved = _move(bottle.pk, kind, delta_mg, delta_ml, occurred_at, local_day)
            if moved is None:
                raise RuntimeError(f"Bottle {bottle.pk}: the guarded update found no row")
        entry = insert_row(
            InventoryLedgerEntry(
                bottle=bottle,
                clinic_id=bottle.clinic_id,
                kind=kind,
                delta_mg=delta_mg,
                delta_ml=delta_ml,
                balance_after_mg=moved[0],
                occurred_at=occurred_at,
                actor=actor.user,
                witness=witness,
                reason=reason,
                reverses=reverses,
                transfer_pair=transfer_pair,
                reference=reference,
            )
        )
    # Callers keep using the object they passed in; give it the new running totals.
    bottle.balance_mg, bottle.balance_ml, bottle.status, bottle.opened_at = moved
    return entry


def _local_day(actor: Actor, bottle: StockBottle, occurred_at: datetime) -> date:
    """The day at the bottle's clinic (the actor's clinic, without reading it, when it is)."""
    clinic = actor.clinic
    if clinic is None or clinic.pk != bottle.clinic_id:
        clinic = bottle.clinic
    return occurred_at.astimezone(clinic.tz).date()


def _move(
    bottle_pk: int,
    kind: EntryKind,
    delta_mg: Decimal,
    delta_ml: Decimal | None,
    occurred_at: datetime,
    local_day: date | None,
) -> tuple[Decimal, Decimal | None, str, datetime | None] | None:
    """Move the balance in one statement; the new (mg, mL, status, opened_at), or None.

    None: the row's own state refuses the movement (with ``local_day``, a taking: the bottle
    is quarantined, expired that day, or holds too little).
    """
    connection = connections[StockBottle.objects.db]
    sql, converters = _move_statement(
        connection,
        check=local_day is not None,
        liquid=delta_ml is not None,
        opens=kind == EntryKind.DISPENSE,
        receipt=kind == EntryKind.RECEIPT,
    )
    params: dict[str, Any] = {
        "pk": bottle_pk,
        "delta_mg": delta_mg,
        "delta_ml": delta_ml,
        "now": connection.ops.adapt_datetimefield_value(occurred_at),
        "day": connection.ops.adapt_datefield_value(local_day),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (functions, column) in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    return values[0], values[1], values[2], values[3]


_RETURNED = ("balance_mg", "balance_ml", "status", "opened_at")
_MOVES: dict[tuple[str, bool, bool, bool, bool], tuple[str, list[tuple[int, Any]]]] = {}


def _move_statement(
    connection: Any, *, check: bool, liquid: bool, opens: bool, receipt: bool
) -> tuple[str, list[tuple[int, Any]]]:
    """The guarded UPDATE ... RETURNING for one kind of movement, built once per process.

    The same rules as the bottle's status and balance always had: amounts kept to the
    column's three decimals (SQLite computes in floating point), the volume never below 0, a
    dispense opens a sealed bottle, a bottle drawn to nothing is empty (a receipt's is not),
    a quarantined bottle stays quarantined. The check constraint on ``balance_mg`` stays the
    last line of defence.
    """
    key = (connection.alias, check, liquid, opens, receipt)
    found = _MOVES.get(key)
    if found is not None:
        return found
    meta = StockBottle._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    mg, ml, status = column("balance_mg"), column("balance_ml"), column("status")
    opened = column("opened_at")
    new_mg = f"ROUND({mg} + %(delta_mg)s, 3)"
    new_ml = f"ROUND(COALESCE({ml}, 0) + %(delta_ml)s, 3)"
    new_opened = f"COALESCE({opened}, %(now)s)" if opens else opened
    cases = [f"WHEN {status} = '{BottleStatus.QUARANTINED}' THEN {status}"]
    if not receipt:
        cases.append(f"WHEN {new_mg} = 0 THEN '{BottleStatus.EMPTY}'")
    cases.append(f"WHEN {new_opened} IS NOT NULL THEN '{BottleStatus.OPEN}'")
    assignments = [
        f"{mg} = {new_mg}",
        f"{opened} = {new_opened}",
        f"{status} = CASE {' '.join(cases)} ELSE '{BottleStatus.SEALED}' END",
    ]
    if liquid:
        assignments.append(f"{ml} = CASE WHEN {new_ml} > 0 THEN {new_ml} ELSE 0 END")
    conditions = [f"{quote(meta.pk.column)} = %(pk)s"]
    if check:
        conditions += [
            f"{status} <> '{BottleStatus.QUARANTINED}'",
            f"{column('expires_on')} >= %(day)s",
            f"{new_mg} >= 0",
        ]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)}"
        f" WHERE {' AND '.join(conditions)}"
        f" RETURNING {', '.join(column(name) for name in _RETURNED)}"
    )
    converters = []
    for position, name in enumerate(_RETURNED):
        col = meta.get_field(name).get_col(meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((position, (functions, col)))
    found = _MOVES[key] = (sql, converters)
    return found


def _refuse(bottle: StockBottle, delta_mg: Decimal, occurred_at: datetime) -> None:
    """Raise the refusal the bottle's row gives now; lock the row whatever it says."""
    locked = (
        StockBottle.objects.select_for_update(of=("self",))
        .select_related("clinic")
        .get(pk=bottle.pk)
    )
    _check_usable(locked, occurred_at)
    if locked.balance_mg + delta_mg < 0:
        raise ValidationFailed(
            f"Bottle {locked.label} holds {locked.balance_mg} mg; {-delta_mg} mg is more "
            "than that.",
            code="insufficient_stock",
            field="stock_bottle",
        )


def _check_usable(bottle: StockBottle, occurred_at: datetime) -> None:
    if bottle.status == BottleStatus.QUARANTINED:
        raise ValidationFailed(
            f"Bottle {bottle.label} is quarantined.",
            code="bottle_quarantined",
            field="stock_bottle",
        )
    local_day = occurred_at.astimezone(bottle.clinic.tz).date()
    if bottle.expires_on < local_day:
        raise ValidationFailed(
            f"Bottle {bottle.label} (lot {bottle.lot}) expired on {bottle.expires_on}.",
            code="bottle_expired",
            field="stock_bottle",
        )


def _check_amount(problems: ProblemSet, amount_mg: Decimal) -> None:
    if not isinstance(amount_mg, Decimal) or not amount_mg.is_finite() or amount_mg <= 0:
        problems.add("amount_mg", "not_positive", "Enter an amount of more than 0 mg.")


def _check_witness(
    problems: ProblemSet, actor: Actor, bottle: StockBottle, witness: User | None, *, required: bool
) -> None:
    if witness is None:
        if required:
            problems.add("witness", "witness_required", "A second person must witness a spill.")
        return
    if actor.user is not None and witness.pk == actor.user.pk:
        problems.add(
            "witness",
            "witness_is_actor",
            "The witness must be someone other than the person recording.",
        )
    elif not access.can(witness, Capability.MANAGE_INVENTORY, bottle.clinic_id) and not access.can(
        witness, Capability.DISPENSE, bottle.clinic_id
    ):
        problems.add(
            "witness",
            "witness_not_staff",
            "The witness must be a nurse or director at this clinic.",
        )


def _audit_entry(
    actor: Actor, entry: InventoryLedgerEntry, extra: dict[str, Any] | None = None
) -> None:
    detail = {
        "kind": entry.kind,
        "bottle": str(entry.bottle.uuid),
        "delta_mg": str(entry.delta_mg),
        "delta_ml": None if entry.delta_ml is None else str(entry.delta_ml),
        "reason": entry.reason,
        **(extra or {}),
    }
    if entry.witness_id:
        detail["witness"] = entry.witness.get_username() if entry.witness else entry.witness_id
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="inventory_ledger_entry",
        object_id=entry.uuid,
        clinic=entry.clinic,
        detail=detail,
    )
