"""Append-only records refuse a second save and a delete, whatever app they live in."""
# ruff: noqa: F811  (fixtures imported from tests.medications.conftest are used by name)

import pytest

from mooring.medications.models import DoseAdministration
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    ada,
    ben,
    bottle,
    clock,
    draft,
    give,
    methadone_product,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db


def test_a_dose_cannot_be_changed_or_deleted(signed, give):
    dose = give(signed())
    dose.amount_mg = dose.amount_mg + 10
    with pytest.raises(RuntimeError, match="append-only"):
        dose.save()
    with pytest.raises(RuntimeError, match="append-only"):
        dose.delete()
    assert DoseAdministration.objects.filter(pk=dose.pk, amount_mg=dose.amount_mg - 10).exists()
