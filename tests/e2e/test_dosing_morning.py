"""A morning at the dosing window in a real browser: Nurse Ben scans an MRN, checks the
person against their photo and name, dispenses, and the queue moves on to the next person."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mooring.core.time import today_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def morning(personas, actor_for, harbor, make_patient):
    """Three people with signed methadone orders from today, one on hold, and a bottle."""
    from mooring.inventory.services import product_create, stock_receive
    from mooring.medications.services import OrderDraft, hold_place, order_draft, order_sign

    eve, ada = actor_for(personas["eve"]), actor_for(personas["ada"])
    product = product_create(
        actor=eve,
        code="methadone-10-ml",
        name="Methadone oral concentrate 10 mg/mL",
        medication="methadone",
        form="oral_liquid",
        concentration_mg_per_ml=Decimal("10"),
    )
    today = today_at(harbor.tz)
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
    people = {}
    for given, family, mg in (
        ("Dee", "Alvarez", "30"),
        ("Eli", "Brooks", "40"),
        ("Fay", "Castillo", "25"),
    ):
        patient = make_patient(given, family)
        order = order_draft(
            actor=ada,
            patient=patient,
            data=OrderDraft(
                medication="methadone",
                form="oral_liquid",
                phase="induction",
                daily_dose_mg=Decimal(mg),
                start_date=today,
            ),
        )
        order_sign(actor=ada, order=order)
        people[given] = patient
    hold_place(actor=ada, patient=people["Fay"], reason="Awaiting ECG review", starts_on=today)
    return people


def test_ben_scans_dispenses_and_the_queue_moves_on(page, live_server, sign_in, shoot, morning):
    sign_in("ben")
    page.get_by_role("link", name="Dosing window").click()
    page.wait_for_url("**/dosing/")
    scan = page.get_by_label("MRN or badge scan")
    assert scan.evaluate("el => el === document.activeElement")
    assert "On hold: Awaiting ECG review" in page.locator("#queue-rows").inner_text()
    shoot("queue", "dosing-queue.png", full_page=False)

    dee = morning["Dee"]
    scan.fill(dee.mrn)
    scan.press("Enter")
    page.wait_for_url(f"**/dosing/{dee.uuid}/")
    header = page.locator(".patient-header").inner_text()
    assert "Dee Alvarez" in header
    assert dee.mrn in header
    dispense = page.get_by_role("button", name="Dispense 30 mg")
    shoot("dispense", "dosing-dispense.png", full_page=False)

    dispense.click()
    page.wait_for_url("**/dosing/?after=*")
    assert "Gave Dee Alvarez 30 mg of Methadone." in page.get_by_role("status").first.inner_text()
    row = page.locator("tr", has_text="Dee Alvarez")
    assert "Dosed" in row.inner_text()
    # The next person still due is focused, so Enter opens their dose.
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Eli Brooks"
    shoot("after-dose")

    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dosing/{morning['Eli'].uuid}/")
    assert page.get_by_role("button", name="Dispense 40 mg").is_visible()
