"""A morning at the dosing window on PostgreSQL: nurses dispensing through the service.

2,000 patients with signed methadone orders are due; 1,000,000 past doses are bulk-loaded
(a fixture: plain SQL, not the services). Each nurse is a separate PROCESS with its own
Django set-up and database connection, as gunicorn workers are in production (threads in
one process would serialise the ORM's Python on the GIL and measure that instead). The run:

1. ``single``: one nurse doses ``--single`` people in turn through ``dose_dispense`` (the
   latency of one dose with nobody else at the window);
2. ``concurrent``: ``--nurses`` nurses dose everyone else at once, each from their own
   bottle;
3. the ceiling, the same two ways: the rows the service writes in its transaction (the
   administration, the bottle balance, the ledger row, one audit row, which the database
   queues for sealing by its trigger, as for the service) as plain SQL in one transaction
   per dose, with no checks.

The service seals the audit chain after its commits (ADR 0004: at most once a second per
process); after the concurrent run the bench reports how many events were still waiting
and how long sealing them took. The first dose of each nurse is a warm-up and is not timed.

Targets: the concurrent service reaches at least half the concurrent ceiling's rate, and
its p99 is under 50 ms. Run with `make bench`, or
    scripts/with-postgres.sh .venv/bin/python bench/dosing.py [--patients N --history N]
"""

from __future__ import annotations

import argparse
import multiprocessing
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
    from mooring.audit.services import seal_pending
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
    # The set-up's audit events are sealed now, so the timed runs start with an empty queue.
    seal_pending(wait=True)
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


# The workers: one process per nurse -----------------------------------------------------


def _worker(job: dict, barrier, results) -> None:
    """One nurse's process: set Django up, load its share, wait for the others, dose."""
    import django

    django.setup()
    try:
        results.put(_JOBS[job["kind"]](job, barrier))
    except Exception as error:  # noqa: BLE001 - reported by the parent
        barrier.abort()
        results.put({"crashed": f"{type(error).__name__}: {error}"})


def _service_job(job: dict, barrier) -> dict:
    """Dose ``job["orders"]`` through ``dose_dispense``, timing each call."""
    from django.db import connection

    from mooring.accounts.access import roles_at
    from mooring.accounts.models import Clinic, User
    from mooring.core.context import Actor
    from mooring.inventory.models import StockBottle
    from mooring.medications.models import MedicationOrder
    from mooring.medications.services import dose_dispense

    clinic = Clinic.objects.get(pk=job["clinic"])
    nurse = User.objects.get(pk=job["nurse"])
    actor = Actor(user=nurse, clinic=clinic, roles=tuple(roles_at(nurse, clinic.id)))
    # What the dispense screen hands the service: the bottle with its product and clinic,
    # the order with its patient.
    bottle = StockBottle.objects.select_related("product", "clinic").get(pk=job["bottle"])
    by_id = MedicationOrder.objects.select_related("patient").in_bulk(job["orders"])
    orders = [by_id[pk] for pk in job["orders"]]

    def give(order) -> None:
        dose_dispense(
            actor=actor,
            order=order,
            amount_mg=Decimal("80.00"),
            stock_bottle=bottle,
            idempotency_key=f"bench-{order.uuid}",
        )

    timings, errors = [], []
    give(orders[0])  # warm-up: imports, translations, the roles cache
    barrier.wait()
    started, cpu = time.monotonic(), time.process_time()
    for order in orders[1:]:
        began = time.perf_counter()
        try:
            give(order)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(error).__name__}: {error}")
        timings.append((time.perf_counter() - began) * 1000)
    finished, cpu = time.monotonic(), time.process_time() - cpu
    connection.close()
    return {
        "timings": timings,
        "errors": errors,
        "cpu_seconds": cpu,
        "started": started,
        "finished": finished,
    }


def _ceiling_job(job: dict, barrier) -> dict:
    """The same writes as plain SQL, one transaction per dose."""
    from django.db import connection, transaction

    nurse_id, bottle_id, clinic_id = job["nurse"], job["bottle"], job["clinic"]
    rows = job["rows"]  # (order id, patient id, order uuid)
    day_offset = job["day_offset"]

    def give(order_id: int, patient_id: int, order_uuid: str) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            dose_uuid = uuid.uuid4()
            cursor.execute(
                "INSERT INTO medications_doseadministration (uuid, order_id, "
                "patient_id, clinic_id, service_date, administered_at, amount_mg, "
                "administration_index, kind, nurse_id, stock_bottle_id, "
                "back_entered, entered_at, idempotency_key, created_at) VALUES "
                "(%s, %s, %s, %s, CURRENT_DATE + %s, now(), 80, 1, 'observed', %s, "
                "%s, false, now(), %s, now())",
                [
                    dose_uuid,
                    order_id,
                    patient_id,
                    clinic_id,
                    day_offset,
                    nurse_id,
                    bottle_id,
                    f"sql{day_offset}-{order_uuid}",
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
                [uuid.uuid4(), bottle_id, clinic_id, balance, nurse_id, dose_uuid],
            )
            _audit_row(cursor, nurse_id, clinic_id, patient_id, dose_uuid)

    timings, errors = [], []
    give(*rows[0])  # warm-up
    barrier.wait()
    started = time.monotonic()
    for row in rows[1:]:
        began = time.perf_counter()
        try:
            give(*row)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(error).__name__}: {error}")
        timings.append((time.perf_counter() - began) * 1000)
    finished = time.monotonic()
    connection.close()
    return {
        "timings": timings,
        "errors": errors,
        "started": started,
        "finished": finished,
    }


_JOBS = {"service": _service_job, "ceiling": _ceiling_job}


def _audit_row(cursor, user_id: int, clinic_id: int, patient_id: int, dose_uuid) -> None:
    """One audit row as plain SQL, as ``record()`` writes it (its trigger queues it too)."""
    cursor.execute(
        "INSERT INTO audit_auditevent (uuid, occurred_at, actor_id, actor_username, role, "
        "clinic_id, patient_id, action, object_type, object_id, data_category, "
        "source_address, user_agent, channel, outcome, detail) VALUES "
        "(%s, now(), %s, 'nurse', 'nurse', %s, %s, 'create', 'dose_administration', %s, "
        "'sud_treatment', '', '', 'bench', 'success', '{}')",
        [uuid.uuid4(), user_id, clinic_id, patient_id, str(dose_uuid)],
    )


def _run_processes(jobs: list[dict]) -> dict:
    """Start one process per job, release them together, and summarise their timings."""
    from django.db import connections

    connections.close_all()  # nothing shared with the children
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(job, barrier, results), daemon=True) for job in jobs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    crashed = [o["crashed"] for o in outcomes if "crashed" in o]
    if crashed:
        raise RuntimeError(f"a nurse process failed: {crashed[0]}")
    timings = [t for o in outcomes for t in o["timings"]]
    errors = [e for o in outcomes for e in o["errors"]]
    seconds = max(o["finished"] for o in outcomes) - min(o["started"] for o in outcomes)
    done = len(timings) - len(errors)
    cpu = sum(o.get("cpu_seconds", 0.0) for o in outcomes)
    figures = {
        "processes": len(jobs),
        "doses": done,
        "errors": len(errors),
        "first_errors": errors[:3],
        "seconds": round(seconds, 2),
        "doses_per_second": round(done / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "max_ms": round(max(timings), 2),
    }
    if cpu:
        # The nurse process's own CPU per dose (Django, the checks, psycopg): the part of
        # the latency a busy machine cannot inflate, and what a worker process pays.
        figures["client_cpu_ms_per_dose"] = round(cpu * 1000 / max(len(timings), 1), 2)
    return figures


def _service(orders: list, world: dict, workers: int) -> dict:
    chunks = [orders[n::workers] for n in range(workers)]
    return _run_processes(
        [
            {
                "kind": "service",
                "clinic": world["clinic"].id,
                "nurse": world["nurses"][n].id,
                "bottle": world["bottles"][n].id,
                "orders": [o.id for o in chunk],
            }
            for n, chunk in enumerate(chunks)
        ]
    )


def _ceiling(orders: list, world: dict, workers: int, *, day_offset: int) -> dict:
    chunks = [orders[n::workers] for n in range(workers)]
    return _run_processes(
        [
            {
                "kind": "ceiling",
                "clinic": world["clinic"].id,
                "nurse": world["nurses"][n].id,
                "bottle": world["bottles"][8 + n].id,
                "rows": [(o.id, o.patient_id, str(o.uuid)) for o in chunk],
                "day_offset": day_offset,
            }
            for n, chunk in enumerate(chunks)
        ]
    )


def _say(label: str, figures: dict) -> None:
    line = (
        f"{label}: {figures['doses']:,} doses by {figures['processes']} process(es) in "
        f"{figures['seconds']} s = {figures['doses_per_second']}/s; p50 {figures['p50_ms']} ms, "
        f"p99 {figures['p99_ms']} ms ({figures['errors']} errors {figures['first_errors']})"
    )
    if "client_cpu_ms_per_dose" in figures:
        line += f"; {figures['client_cpu_ms_per_dose']} ms of the nurse process's CPU a dose"
    print(line, flush=True)


def _seal_the_rest() -> dict:
    """What the after-commit sealers left waiting at the end of a run, and sealing it."""
    from mooring.audit.models import AuditPending
    from mooring.audit.services import seal_pending

    waiting = AuditPending.objects.count()
    began = time.perf_counter()
    sealed = seal_pending(wait=True)
    figures = {
        "waiting_after_run": waiting,
        "sealed": sealed,
        "seal_ms": round((time.perf_counter() - began) * 1000, 1),
    }
    print(
        f"    audit events still waiting for their seal after the run: {waiting}; "
        f"sealed in {figures['seal_ms']} ms",
        flush=True,
    )
    return figures


def run(patients: int, history: int, nurses: int, single: int) -> dict:
    from mooring.medications.models import MedicationOrder

    started = time.monotonic()
    world = setup(patients, history)
    print(
        f"set up {patients:,} patients and {history:,} past doses in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    orders = list(
        MedicationOrder.objects.select_related("patient").order_by(
            "patient__legal_family_name", "id"
        )
    )
    alone, together = orders[:single], orders[single:]
    result: dict = {}
    result["service_single"] = _service(alone, world, 1)
    _say("service, one nurse", result["service_single"])
    result["service"] = _service(together, world, nurses)
    _say(f"service, {nurses} nurses", result["service"])
    result["service"]["audit_seal"] = _seal_the_rest()
    result["plain_sql_ceiling_single"] = _ceiling(alone, world, 1, day_offset=1)
    _say("plain SQL, one nurse", result["plain_sql_ceiling_single"])
    result["plain_sql_ceiling"] = _ceiling(together, world, nurses, day_offset=1)
    _say(f"plain SQL, {nurses} nurses", result["plain_sql_ceiling"])
    service, ceiling = result["service"], result["plain_sql_ceiling"]
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
        "single_nurse_doses": single,
        "workers": "one process per nurse, each with its own Django set-up and connection",
        **result,
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
    parser.add_argument("--single", type=int, default=300, help="doses given by one nurse alone")
    parser.add_argument("--output", default=NAME, help="results file name (bench/results/)")
    options = parser.parse_args(argv)
    with bench_database(NAME):
        result = run(options.patients, options.history, options.nurses, options.single)
    path = write_result(options.output, result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
