"""A morning at the dosing window on PostgreSQL: concurrent nurses dispensing through the service.

2,000 patients with signed methadone orders are due; 1,000,000 past doses are bulk-loaded
(a fixture: plain SQL, not the services). Then ``--nurses`` threads, each with its own
database connection, dispense every due dose through ``dose_dispense``. The same run
measures the ceiling: the same writes (the administration, the bottle balance, the ledger
row, an audit row) done with plain SQL in one transaction per dose.

Targets: the service reaches at least half the ceiling's rate, and its p99 is under 50 ms.
Run with `make bench`, or
    scripts/with-postgres.sh .venv/bin/python bench/dosing.py [--patients N --history N]
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from _common import bench_database, environment, percentile, write_result

NAME = "dosing"
TARGET_P99_MS = 50.0
TARGET_SHARE_OF_CEILING = 0.5


def setup(patients: int, history: int) -> dict:
    """Program, staff, stock, orders (through the services) and the bulk history (SQL)."""
    import zoneinfo

    from _common import load_patients
    from django.db import connection

    from mooring.accounts.models import StaffRole, User
    from mooring.core.context import Actor
    from mooring.inventory.services import product_create, stock_receive
    from mooring.medications.models import MedicationOrder
    from mooring.patients.models import Patient

    loaded = load_patients(patients)
    harbor = loaded["clinics"][0]
    Patient.objects.update(home_clinic=harbor)
    ada = User.objects.create_user(username="ada", display_name="Ada Okafor")
    eve = User.objects.create_user(username="eve", display_name="Eve Stone")
    StaffRole.objects.create(user=ada, clinic=harbor, role="prescriber")
    StaffRole.objects.create(user=eve, clinic=harbor, role="director")
    nurses = []
    for n in range(8):
        nurse = User.objects.create_user(username=f"nurse{n}", display_name=f"Nurse {n}")
        StaffRole.objects.create(user=nurse, clinic=harbor, role="nurse")
        nurses.append(nurse)
    director = Actor(user=eve, clinic=harbor, roles=("director",), channel="cli")
    product = product_create(
        actor=director,
        code="methadone-10-ml",
        name="Methadone oral concentrate 10 mg/mL",
        medication="methadone",
        form="oral_liquid",
        concentration_mg_per_ml=Decimal("10"),
    )
    tz = zoneinfo.ZoneInfo(harbor.time_zone)
    today = datetime.now(tz).date()
    start = today - timedelta(days=history // patients + 2)
    # Orders are written straight to the table too (signing 2,000 through the rules core is
    # not what this benchmark measures); they look exactly like signed orders.
    ids = list(Patient.objects.values_list("id", flat=True))
    orders = [
        MedicationOrder(
            patient_id=pid,
            clinic=harbor,
            medication="methadone",
            form="oral_liquid",
            phase="maintenance",
            daily_dose_mg=Decimal("80"),
            start_date=start,
            status="signed",
            created_by=ada,
            prescriber=ada,
            signed_at=datetime.now(tz),
            protocol_profile="US-FED-2024",
        )
        for pid in ids
    ]
    MedicationOrder.objects.bulk_create(orders, batch_size=2000)
    # Enough stock for the morning: one bottle per nurse for the service, one for SQL.
    bottles = stock_receive(
        actor=director,
        clinic=harbor,
        product=product,
        supplier="Mallinckrodt",
        lot="BENCH-1",
        expires_on=today + timedelta(days=400),
        bottle_count=16,
        quantity_mg_per_bottle=Decimal("1000000"),
        received_at=datetime.now(tz) - timedelta(days=history // patients + 4),
    ).bottles
    _load_history(history, ids, start, today, harbor.id, nurses[0].id, bottles[-1].id)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"clinic": harbor, "nurses": nurses, "bottles": bottles, "today": today}


def _load_history(
    count: int,
    patient_ids: list[int],
    start: date,
    today: date,
    clinic_id: int,
    nurse_id: int,
    bottle_id: int,
) -> None:
    """COPY ``count`` past observed doses, one per patient per day before today."""
    from django.db import connection

    from mooring.medications.models import MedicationOrder

    order_of = dict(MedicationOrder.objects.values_list("patient_id", "id"))
    days = max(count // len(patient_ids), 1)
    started = time.monotonic()
    with connection.cursor() as cursor:
        copy_sql = (
            "COPY medications_doseadministration (uuid, order_id, patient_id, clinic_id, "
            "service_date, administered_at, amount_mg, administration_index, kind, nurse_id, "
            "stock_bottle_id, back_entered, entered_at, idempotency_key, created_at) FROM STDIN"
        )
        written = 0
        with cursor.copy(copy_sql) as copy:
            for back in range(days, 0, -1):
                day = today - timedelta(days=back)
                at = datetime(day.year, day.month, day.day, 13, 0).isoformat() + "+00"
                for pid in patient_ids:
                    if written >= count:
                        break
                    copy.write_row(
                        (
                            str(uuid.uuid4()),
                            order_of[pid],
                            pid,
                            clinic_id,
                            day,
                            at,
                            "80.00",
                            1,
                            "observed",
                            nurse_id,
                            bottle_id,
                            False,
                            at,
                            f"hist-{pid}-{day}",
                            at,
                        )
                    )
                    written += 1
    print(f"  copied {written:,} past doses in {time.monotonic() - started:.1f} s")


def _dispense_all(orders: list, bottles: list, nurses: list, clinic, workers: int) -> dict:
    """Every order dosed once, by ``workers`` threads, through ``dose_dispense``."""
    from django.db import connection

    from mooring.accounts.access import roles_at
    from mooring.core.context import Actor
    from mooring.medications.services import dose_dispense

    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    chunks = [orders[n::workers] for n in range(workers)]

    def work(n: int) -> None:
        nurse = nurses[n]
        actor = Actor(user=nurse, clinic=clinic, roles=tuple(roles_at(nurse, clinic.id)))
        bottle = bottles[n]
        local: list[float] = []
        try:
            for order in chunks[n]:
                began = time.perf_counter()
                try:
                    dose_dispense(
                        actor=actor,
                        order=order,
                        amount_mg=Decimal("80.00"),
                        stock_bottle=bottle,
                        idempotency_key=f"bench-{order.uuid}",
                    )
                except Exception as error:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                local.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()
        with lock:
            timings.extend(local)

    return _run_threads(work, workers, timings, errors)


def _ceiling(patient_orders: list, bottles: list, nurses: list, clinic, workers: int) -> dict:
    """The same writes in plain SQL: dose, bottle balance, ledger row, audit row."""
    from django.db import connection, transaction

    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    chunks = [patient_orders[n::workers] for n in range(workers)]

    def work(n: int) -> None:
        nurse_id = nurses[n].id
        bottle_id = bottles[workers + n].id
        local: list[float] = []
        try:
            for order in chunks[n]:
                began = time.perf_counter()
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        dose_uuid = uuid.uuid4()
                        cursor.execute(
                            "INSERT INTO medications_doseadministration (uuid, order_id, "
                            "patient_id, clinic_id, service_date, administered_at, amount_mg, "
                            "administration_index, kind, nurse_id, stock_bottle_id, "
                            "back_entered, entered_at, idempotency_key, created_at) VALUES "
                            "(%s, %s, %s, %s, CURRENT_DATE + 1, now(), 80, 1, 'observed', %s, "
                            "%s, false, now(), %s, now())",
                            [
                                dose_uuid,
                                order.id,
                                order.patient_id,
                                clinic.id,
                                nurse_id,
                                bottle_id,
                                f"sql-{order.uuid}",
                            ],
                        )
                        cursor.execute(
                            "UPDATE inventory_stockbottle SET balance_mg = balance_mg - 80, "
                            "balance_ml = balance_ml - 8 WHERE id = %s RETURNING balance_mg",
                            [bottle_id],
                        )
                        balance = cursor.fetchone()[0]
                        cursor.execute(
                            "INSERT INTO inventory_inventoryledgerentry (uuid, bottle_id, "
                            "clinic_id, kind, delta_mg, delta_ml, balance_after_mg, "
                            "occurred_at, actor_id, reason, reference, created_at) VALUES "
                            "(%s, %s, %s, 'dispense', -80, -8, %s, now(), %s, '', %s, now())",
                            [uuid.uuid4(), bottle_id, clinic.id, balance, nurse_id, dose_uuid],
                        )
                        _audit_row(cursor, nurse_id, clinic.id, order.patient_id, dose_uuid)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                local.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()
        with lock:
            timings.extend(local)

    return _run_threads(work, workers, timings, errors)


def _audit_row(cursor, user_id: int, clinic_id: int, patient_id: int, dose_uuid) -> None:
    """One audit row, as plain SQL: no hash-chain lock (the service takes one)."""
    cursor.execute(
        "INSERT INTO audit_auditevent (uuid, occurred_at, actor_id, actor_username, role, "
        "clinic_id, patient_id, action, object_type, object_id, data_category, "
        "source_address, user_agent, channel, outcome, detail, previous_hash, hash) VALUES "
        "(%s, now(), %s, 'nurse', 'nurse', %s, %s, 'create', 'dose_administration', %s, "
        "'sud_treatment', '', '', 'bench', 'success', '{}', '', %s)",
        [uuid.uuid4(), user_id, clinic_id, patient_id, str(dose_uuid), uuid.uuid4().hex * 2],
    )


def _run_threads(work, workers: int, timings: list[float], errors: list[str]) -> dict:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    done = len(timings) - len(errors)
    return {
        "doses": done,
        "errors": len(errors),
        "first_errors": errors[:3],
        "seconds": round(seconds, 2),
        "doses_per_second": round(done / seconds, 1),
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "max_ms": round(max(timings), 2),
    }


def run(patients: int, history: int, nurses: int) -> dict:
    from mooring.medications.models import MedicationOrder

    started = time.monotonic()
    world = setup(patients, history)
    print(
        f"set up {patients:,} patients and {history:,} past doses in "
        f"{time.monotonic() - started:.0f} s"
    )
    orders = list(
        MedicationOrder.objects.select_related("patient").order_by("patient__legal_family_name")
    )
    service = _dispense_all(orders, world["bottles"], world["nurses"], world["clinic"], nurses)
    print(
        f"service: {service['doses']:,} doses by {nurses} nurses in {service['seconds']} s = "
        f"{service['doses_per_second']}/s; p50 {service['p50_ms']} ms, p99 {service['p99_ms']} "
        f"ms ({service['errors']} errors {service['first_errors']})"
    )
    ceiling = _ceiling(orders, world["bottles"], world["nurses"], world["clinic"], nurses)
    print(
        f"plain SQL ceiling: {ceiling['doses']:,} doses in {ceiling['seconds']} s = "
        f"{ceiling['doses_per_second']}/s; p50 {ceiling['p50_ms']} ms, p99 {ceiling['p99_ms']} "
        f"ms ({ceiling['errors']} errors {ceiling['first_errors']})"
    )
    share = (
        service["doses_per_second"] / ceiling["doses_per_second"]
        if ceiling["doses_per_second"]
        else 0.0
    )
    meets = share >= TARGET_SHARE_OF_CEILING and service["p99_ms"] <= TARGET_P99_MS
    print(
        f"service/ceiling {share:.0%} (target >= {TARGET_SHARE_OF_CEILING:.0%}), p99 "
        f"{service['p99_ms']} ms (target < {TARGET_P99_MS:.0f} ms): "
        f"{'meets the targets' if meets else 'MISSES a target'}"
    )
    return {
        "benchmark": NAME,
        "patients": patients,
        "past_doses": history,
        "nurses": nurses,
        "service": service,
        "plain_sql_ceiling": ceiling,
        "share_of_ceiling": round(share, 3),
        "target_share_of_ceiling": TARGET_SHARE_OF_CEILING,
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": meets,
        "environment": environment(),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--nurses", type=int, default=6)
    options = parser.parse_args(argv)
    with bench_database(NAME):
        result = run(options.patients, options.history, options.nurses)
    path = write_result(NAME, result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
