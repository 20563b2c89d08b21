"""An administrator grants a role in a real browser, and the change shows in its history."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ian_grants_ben_a_role_at_ridge(page, live_server, sign_in, shoot, personas):
    sign_in("ian")
    page.goto(f"{live_server.url}{reverse('web:staff_list')}")
    page.get_by_role("link", name="Ben Cruz").first.click()
    page.wait_for_url("**/staff/*/")
    grant = page.locator("form", has=page.get_by_role("button", name="Grant the role"))
    grant.get_by_label("Clinic").select_option(label="Ridge Clinic")
    grant.get_by_label("Role").select_option(label="Nurse")
    grant.get_by_role("button", name="Grant the role").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Revoke Nurse at Ridge Clinic").count() == 1
    history = page.locator("section", has=page.get_by_role("heading", name="Privilege changes"))
    assert "Ridge" in history.inner_text()
    shoot("staff", "staff.png")
