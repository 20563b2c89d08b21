"""The patient chart's server time for a person with a long history, on PostgreSQL.

Target: p95 under 100 ms over 100 requests. The database holds 100,000 other patients and
200,000 other audit events; the patient has 40 episodes, 15 pregnancy records and 5,000
audit events of their own. Run with `make bench`, or
    scripts/with-postgres.sh .venv/bin/python bench/chart.py [--requests N]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from _common import (
    analyze,
    bench_database,
    environment,
    load_patients,
    summarise,
    time_calls,
    verdict,
    write_result,
)

NAME = "chart"
TARGET_P95_MS = 100.0
EPISODES = 40
PREGNANCY_RECORDS = 15
OWN_AUDIT_EVENTS = 5_000
OTHER_AUDIT_EVENTS = 200_000


def _long_history(clinic, prescriber, nurse):
    """One patient written through the services: many episodes, pregnancies, audit events."""
    from mooring.audit.models import Action, DataCategory
    from mooring.audit.services import record
    from mooring.core.context import Actor
    from mooring.core.time import today_at
    from mooring.patients.services import (
        Demographics,
        episode_admit,
        episode_discharge,
        episode_readmit,
        patient_register,
        pregnancy_record,
    )

    actor = Actor(user=prescriber, clinic=clinic, roles=("prescriber",), channel="cli")
    today = today_at(clinic.tz)
    patient = patient_register(
        actor=actor,
        clinic=clinic,
        duplicates_reviewed=True,
        data=Demographics(
            legal_given_name="Guadalupe",
            legal_family_name="Núñez de la Cruz",
            date_of_birth=date(today.year - 44, 6, 1),
            sex_at_birth="female",
            payer="medicaid",
        ),
    )
    day = today - timedelta(days=EPISODES * 180)
    for number in range(EPISODES):
        admit = episode_admit if number == 0 else episode_readmit
        episode = admit(
            actor=actor, patient=patient, clinic=clinic, program_type="otp", admitted_on=day
        )
        if number < EPISODES - 1:
            episode_discharge(
                actor=actor,
                episode=episode,
                discharged_on=day + timedelta(days=120),
                reason="2",
                note="Stopped attending; outreach by phone and letter.",
            )
        day += timedelta(days=180)
    nurse_actor = Actor(user=nurse, clinic=clinic, roles=("nurse",), channel="cli")
    for number in range(PREGNANCY_RECORDS):
        pregnant = number == PREGNANCY_RECORDS - 1
        pregnancy_record(
            actor=nurse_actor,
            patient=patient,
            is_pregnant=pregnant,
            estimated_due_date=today + timedelta(days=120) if pregnant else None,
        )
    for _ in range(OWN_AUDIT_EVENTS):
        record(
            actor=actor,
            action=Action.READ,
            object_type="patient",
            object_id=patient.uuid,
            patient=patient,
            data_category=DataCategory.SUD_TREATMENT,
        )
    return patient


def _other_audit_events(user, clinics):
    """Bulk rows so the audit table is the size of a busy year (sealed with the rest)."""
    from django.utils import timezone

    from mooring.audit.models import AuditEvent
    from mooring.patients.models import Patient

    patient_ids = list(Patient.objects.values_list("id", flat=True)[:50_000])
    when = timezone.now() - timedelta(days=365)
    rows = []
    for number in range(OTHER_AUDIT_EVENTS):
        rows.append(
            AuditEvent(
                occurred_at=when + timedelta(seconds=number * 150),
                actor=user,
                actor_username=user.username,
                clinic=clinics[number % 2],
                patient_id=patient_ids[number % len(patient_ids)],
                action="read",
                object_type="patient",
                data_category="sud_treatment",
                channel="web",
            )
        )
        if len(rows) == 10_000:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    AuditEvent.objects.bulk_create(rows)


def run(requests: int, patients: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from mooring.accounts.models import StaffRole, User
    from mooring.audit.services import seal_pending

    started = time.monotonic()
    clinics = load_patients(patients)["clinics"]
    harbor = clinics[0]
    ada = User.objects.create_user(username="ada", display_name="Ada Okafor")
    ben = User.objects.create_user(username="ben", display_name="Ben Cruz")
    StaffRole.objects.create(user=ada, clinic=harbor, role="prescriber")
    StaffRole.objects.create(user=ben, clinic=harbor, role="nurse")
    _other_audit_events(ada, clinics)
    patient = _long_history(harbor, ada, ben)
    # A year's events are sealed, as the sealer would have done; the timed requests then
    # seal only their own.
    seal_pending(wait=True)
    analyze()
    print(f"loaded in {time.monotonic() - started:.1f} s")

    client = Client()
    client.force_login(ada)
    url = reverse("web:patient_chart", args=[patient.uuid])
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"bench: {url} answered {response.status_code}, not 200")
    body = response.content.decode()
    if "Núñez de la Cruz" not in body:
        raise SystemExit("bench: the chart did not show the patient's name")

    def one_request():
        assert client.get(url).status_code == 200

    figures = summarise(time_calls(one_request, repeat=requests, warmup=5))
    figures["queries_per_request"] = len(queries)
    figures["page_bytes"] = len(body.encode())
    print(
        f"chart overview  p50 {figures['p50_ms']:.1f} ms  p95 {figures['p95_ms']:.1f} ms  "
        f"({figures['queries_per_request']} queries, {figures['page_bytes']:,} bytes)"
    )
    print(f"p95: {verdict(figures['p95_ms'], TARGET_P95_MS)} ({TARGET_P95_MS:.0f} ms)")
    return {
        "benchmark": NAME,
        "url_name": "web:patient_chart",
        "patients": patients,
        "history": {
            "episodes": EPISODES,
            "pregnancy_records": PREGNANCY_RECORDS,
            "own_audit_events": OWN_AUDIT_EVENTS,
            "other_audit_events": OTHER_AUDIT_EVENTS,
        },
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": figures["p95_ms"] <= TARGET_P95_MS,
        "overview": figures,
        "environment": environment(),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--patients", type=int, default=100_000)
    options = parser.parse_args(argv)
    with bench_database(NAME):
        result = run(options.requests, options.patients)
    path = write_result(NAME, result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
