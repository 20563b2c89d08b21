"""The problem+json shape for what no endpoint handles: wrong method, no route, a crash."""

import pytest

from mooring.api.errors import field_path
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db


def test_a_wrong_method_is_a_405_problem_with_allow(api_as):
    response = api_as("ada").client.delete("/api/v1/patients", headers=api_as("ada").headers)
    assert_problem(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


@pytest.mark.parametrize("path", ["/nothing", "/", "/patients/x/y/z"])
def test_an_unknown_path_is_a_404_problem(api_as, path):
    assert_problem(api_as("ada").get(path), 404, "not_found")


def test_a_crash_is_a_500_problem_that_tells_nothing_away(api_as, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mooring.api.patients.search_patients", broken)
    body = assert_problem(api_as("ada").get("/patients?q=alex"), 500, "server_error")
    assert "secret internals" not in str(body)
    assert "secret internals" in caplog.text


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "payload", "date_of_birth"), "date_of_birth"),
        (("body", "payload", "items", 0, "mrn"), "items.0.mrn"),
        (("query", "q"), "q"),
        (("path", "patient_uuid"), "patient_uuid"),
        (("body", "payload"), "payload"),
    ],
)
def test_field_paths_drop_the_parameter_source(loc, path):
    assert field_path(loc) == path
