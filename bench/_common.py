"""Shared benchmark helpers: a throwaway PostgreSQL database, a bulk loader, timing, results.

Benchmarks are not tests. Each one creates its own database on the server named by
``DATABASE_URL`` (``mooring_bench_<name>_<pid>``), migrates it, loads what it needs, prints
its figures, writes ``bench/results/<name>.json`` and drops the database again (unless
``BENCH_KEEP_DB=1``: then it is kept for a look afterwards, and you drop it).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[str]:
    """Create, migrate and finally drop a PostgreSQL database for one benchmark."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "bench: the benchmarks need PostgreSQL. Run `make bench`, or "
            "scripts/with-postgres.sh .venv/bin/python bench/<name>.py"
        )
    import psycopg

    parts = urlsplit(url)
    db_name = f"mooring_bench_{name}_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    # Settings read the environment: point them at the new database, with DEBUG off so
    # Django does not keep every query in memory.
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{db_name}"))
    os.environ.setdefault("MOORING_ENV", "development")
    os.environ["DEBUG"] = "0"
    os.environ["MOORING_AXES_ENABLED"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mooring.config.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        yield db_name
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if os.environ.get("BENCH_KEEP_DB"):
            # For looking into a run afterwards (EXPLAIN ANALYZE...); drop it yourself.
            print(f"bench: kept the database {db_name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        os.environ["DATABASE_URL"] = url


def load_patients(count: int, *, seed: int = 42, batch: int = 5000) -> dict[str, Any]:
    """Bulk-insert synthetic patients straight into the table (a fixture, not the services).

    Returns the program, the clinics and a small sample of the inserted patients' fields
    for building queries.
    """
    from mooring.accounts.models import Clinic, Program
    from mooring.demo.distributions import PARAMETERS, draw_profile
    from mooring.demo.names import draw_name
    from mooring.patients.models import Patient
    from mooring.patients.names import search_name

    rng = random.Random(seed)
    program = Program.objects.create(name="Bench Program", mrn_prefix="B")
    clinics = [
        Clinic.objects.create(program=program, name="Harbor Clinic", code="harbor"),
        Clinic.objects.create(
            program=program, name="Ridge Clinic", code="ridge", time_zone="America/Chicago"
        ),
    ]
    today = date(2026, 1, 1)
    rows = []
    for number in range(1, count + 1):
        profile = draw_profile(rng, PARAMETERS)
        name = draw_name(rng, profile.sex)
        born = today - timedelta(
            days=round(profile.age_at_admission * 365.25) + rng.randint(0, 900)
        )
        rows.append(
            Patient(
                program=program,
                home_clinic=clinics[1] if number % 3 == 0 else clinics[0],
                mrn=f"B{number:06d}",
                legal_given_name=name.given,
                legal_family_name=name.family,
                preferred_name=name.preferred,
                date_of_birth=born,
                sex_at_birth=profile.sex,
                payer="medicaid",
                search_name=search_name(name.given, name.family, name.preferred),
            )
        )
        if len(rows) == batch:
            Patient.objects.bulk_create(rows)
            rows = []
    if rows:
        Patient.objects.bulk_create(rows)
    Program.objects.filter(pk=program.pk).update(next_mrn=count + 1)
    analyze()
    return {"program": program, "clinics": clinics}


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_calls(call: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds for each of ``repeat`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(timings: list[float]) -> dict[str, float]:
    return {
        "n": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
    }


def environment() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    import django

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path


def verdict(value: float, target: float) -> str:
    return "meets the target" if value <= target else "MISSES the target"
