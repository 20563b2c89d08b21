"""Printing take-home labels: a disclosure of who is in treatment, so every print is audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import ValidationFailed
from mooring.patients.selectors import require_patient_here
from mooring.takehomes import labels
from mooring.takehomes.models import TakeHomeBottle


def takehome_labels_print(
    *, actor: Actor, bottles: Sequence[TakeHomeBottle], compress: bool = True
) -> bytes:
    """The labels of ``bottles`` as one PDF, with a ``print`` audit event per patient."""
    if not bottles:
        raise ValidationFailed("Choose at least one bottle.", code="required", field="bottles")
    by_patient: dict[int, list[TakeHomeBottle]] = {}
    for bottle in bottles:
        by_patient.setdefault(bottle.patient_id, []).append(bottle)
    clinic = None
    for group in by_patient.values():
        clinic = require_patient_here(actor, group[0].patient, Capability.DISPENSE)
    pdf = labels.render_labels(bottles, compress=compress)
    with transaction.atomic():
        for group in by_patient.values():
            record(
                actor=actor,
                action=Action.PRINT,
                object_type="takehome_label",
                object_id=group[0].issue.uuid if len({b.issue_id for b in group}) == 1 else "",
                patient=group[0].patient,
                clinic=clinic,
                data_category=DataCategory.SUD_TREATMENT,
                detail={"bottles": [b.code for b in group]},
            )
    return pdf
