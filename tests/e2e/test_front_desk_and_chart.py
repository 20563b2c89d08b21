"""Journeys in a real browser: front desk registers a person (and meets the duplicate
warning); a prescriber finds them by typing a name without accents and opens the chart."""

from datetime import date

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_registration(page, given, family):
    page.get_by_label("Legal first name").fill(given)
    page.get_by_label("Legal last name").fill(family)
    page.get_by_label("Date of birth").fill("1988-03-02")
    page.get_by_label("Sex assigned at birth").select_option("female")
    page.get_by_label("Payer").select_option("medicaid")


def test_front_desk_registers_and_is_warned_of_a_possible_duplicate(page, live_server, sign_in,
                                                                   shoot, make_patient):
    make_patient("José", "Álvarez", dob=date(1988, 3, 2))
    sign_in("dan")
    page.goto(f"{live_server.url}/patients/new/")
    _fill_registration(page, "Jose", "Alvares")
    page.get_by_role("button", name="Register").click()
    warning = page.get_by_role("alert")
    assert "José Álvarez" in warning.inner_text()
    shoot("duplicate-warning", "registration-duplicate.png")
    _fill_registration(page, "Jose", "Alvares")
    page.get_by_role("button", name="register anyway").click()
    page.wait_for_url("**/patients/*/")
    assert "Jose Alvares" in page.locator("h1").inner_text()


def test_a_prescriber_finds_a_person_while_typing_and_opens_the_chart(page, live_server,
                                                                      sign_in, shoot,
                                                                      make_patient):
    make_patient("José", "Álvarez", dob=date(1988, 3, 2), pronouns="he/him",
                 sex_at_birth="male")
    make_patient("Josefina", "Alvarado")
    sign_in("ada")
    page.goto(f"{live_server.url}/patients/")
    page.get_by_role("searchbox").fill("jose alvarez")
    result = page.get_by_role("link", name="José Álvarez")
    result.wait_for()
    shoot("search", "patient-search.png")
    result.click()
    page.wait_for_url("**/patients/*/")
    header = page.locator(".patient-header").inner_text()
    assert "he/him" in header
    assert "H0000" in header
    shoot("chart", "chart.png")
