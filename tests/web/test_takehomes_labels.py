"""Take-home labels: a PDF of the bottles just handed over, every print in the audit log."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from tests.takehomes.conftest import (  # noqa: F401 (fixtures)
    ada,
    assess,
    ben,
    bottle,
    clock,
    days,
    draft,
    issue,
    methadone_product,
    patient_on_day,
    ready,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db


def _url(bottles):
    return f"{reverse('web:takehome_labels')}?bottles={','.join(str(b.uuid) for b in bottles)}"


def test_ben_gets_the_labels_as_an_inline_pdf_and_the_print_is_audited(login, ready, issue):
    bottles = issue(ready(10), days(1, 3))
    response = login("ben").get(_url(bottles))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    printed = AuditEvent.objects.get(action=Action.PRINT)
    assert printed.object_type == "takehome_label"
    assert printed.actor.username == "ben"
    assert printed.patient_id == bottles[0].patient_id
    assert sorted(printed.detail["bottles"]) == sorted(b.code for b in bottles)


def test_repeated_bottles_parameters_work_too(login, ready, issue):
    bottles = issue(ready(10), days(1, 2))
    url = reverse("web:takehome_labels") + "".join(
        f"{'&' if n else '?'}bottles={b.uuid}" for n, b in enumerate(bottles)
    )
    assert login("ben").get(url).content.startswith(b"%PDF")


def test_unknown_or_malformed_bottles_are_not_found_and_nothing_is_printed(login, ready, issue):
    bottles = issue(ready(10), days(1, 1))
    client = login("ben")
    assert client.get(reverse("web:takehome_labels")).status_code == 404
    assert client.get(f"{reverse('web:takehome_labels')}?bottles=nope").status_code == 404
    missing = f"{_url(bottles)},00000000-0000-0000-0000-000000000000"
    assert client.get(missing).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()


def test_front_desk_is_refused_and_ridge_cannot_print_harbor_labels(login, ready, issue):
    bottles = issue(ready(10), days(1, 1))
    assert login("dan").get(_url(bottles)).status_code == 403
    assert login("ada").get(_url(bottles)).status_code == 403
    assert login("sam").get(_url(bottles)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()
