"""Take-homes in a real browser: Nurse Ben opens the rule's plan from the dose, hands the
bottles over once, and opens the labels (a PDF)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from mooring.core.time import today_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def dee(personas, actor_for, harbor, make_patient):
    """Day 10 of treatment, every 2024 criterion judged met, a signed order and stock."""
    from mooring.inventory.services import product_create, stock_receive
    from mooring.medications.services import OrderDraft, order_draft, order_sign
    from mooring.takehomes.services import takehome_assessment_record
    from tests.takehomes.conftest import ALL_2024_CRITERIA

    eve, ada = actor_for(personas["eve"]), actor_for(personas["ada"])
    today = today_at(harbor.tz)
    product = product_create(
        actor=eve,
        code="methadone-10-ml",
        name="Methadone oral concentrate 10 mg/mL",
        medication="methadone",
        form="oral_liquid",
        concentration_mg_per_ml=Decimal("10"),
    )
    stock_receive(
        actor=eve,
        clinic=harbor,
        product=product,
        supplier="Mallinckrodt",
        lot="L2026-01",
        expires_on=today.replace(year=today.year + 2),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("10000"),
    )
    patient = make_patient("Dee", "Alvarez", admitted_on=today - timedelta(days=10))
    takehome_assessment_record(
        actor=ada, patient=patient, criteria_met=ALL_2024_CRITERIA, note="Locked box at home"
    )
    order = order_draft(
        actor=ada,
        patient=patient,
        data=OrderDraft(
            medication="methadone",
            form="oral_liquid",
            phase="induction",
            daily_dose_mg=Decimal("30"),
            start_date=today,
        ),
    )
    order_sign(actor=ada, order=order)
    return patient


def test_ben_issues_the_planned_take_homes_and_opens_the_labels(
    page, live_server, sign_in, shoot, dee
):
    from mooring.takehomes.models import TakeHomeBottle

    sign_in("ben")
    page.goto(f"{live_server.url}/dosing/{dee.uuid}/")
    page.get_by_role("link", name="Issue take-homes").click()
    page.wait_for_url(f"**/dosing/{dee.uuid}/takehomes/")
    facts = page.locator("dl.facts").inner_text()
    assert "US-FED-2024" in facts
    assert "10" in facts
    assert page.get_by_label("Stock bottle").is_visible()
    shoot("plan", "takehomes.png")

    page.get_by_role("button", name="Issue take-homes").click()
    page.wait_for_url("**/takehomes/?issued=*")
    assert "Bottles handed over" in page.content()
    shoot("issued")
    planned = TakeHomeBottle.objects.count()
    assert planned >= 1

    # Opening the page again offers nothing more: every planned date has its bottle.
    page.goto(f"{live_server.url}/dosing/{dee.uuid}/takehomes/")
    assert "Every take-home date the rule allows today has been issued." in page.content()
    assert TakeHomeBottle.objects.count() == planned

    labels = page.request.get(
        f"{live_server.url}/takehomes/labels/?bottles="
        + ",".join(str(u) for u in TakeHomeBottle.objects.values_list("uuid", flat=True))
    )
    assert labels.status == 200
    assert labels.headers["content-type"] == "application/pdf"
    assert labels.body().startswith(b"%PDF")
