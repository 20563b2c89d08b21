"""Naloxone kits handed out, and naloxone offers made (and declined): append-only records.

The products are the rules core's :data:`mooring.rules.naloxone.NALOXONE_PRODUCTS`, keyed
here by a slug of their name (``narcan_nasal_spray``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel
from mooring.medications.models import MedicationOrder
from mooring.patients.models import Patient
from mooring.rules.naloxone import NALOXONE_PRODUCTS, OfferEvent, ReversalProduct


def product_key(product: ReversalProduct) -> str:
    return re.sub(r"[^a-z0-9]+", "_", product.name.lower()).strip("_")


PRODUCTS: Mapping[str, ReversalProduct] = MappingProxyType(
    {product_key(p): p for p in NALOXONE_PRODUCTS}
)
PRODUCT_CHOICES = [(key, p.name) for key, p in PRODUCTS.items()]


class Recipient(models.TextChoices):
    PATIENT = "patient", _("The patient")
    HOUSEHOLD = "household", _("A household member")


class NaloxoneKit(AppendOnlyModel):
    """Naloxone handed to the patient or to someone in their household."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="naloxone_kits")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("given to"), max_length=10, choices=Recipient.choices)
    recipient_name = models.CharField(_("recipient's name"), max_length=150, blank=True)
    recipient_relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    product = models.CharField(_("product"), max_length=40, choices=PRODUCT_CHOICES)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    lot = models.CharField(_("lot"), max_length=60)
    expiry = models.DateField(_("expiry date"))
    # A prescription-only product is given against the patient's signed naloxone order.
    order = models.ForeignKey(
        MedicationOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    training_recorded = models.BooleanField(_("shown how to use it"), default=False)
    training_note = models.TextField(_("training note"), blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="naloxone_quantity_positive"),
            models.CheckConstraint(condition=~Q(lot=""), name="naloxone_has_lot"),
            models.CheckConstraint(
                condition=Q(recipient="patient")
                | (
                    Q(recipient="household") & ~Q(recipient_name="") & ~Q(recipient_relationship="")
                ),
                name="naloxone_household_named",
            ),
        ]
        indexes = [models.Index(fields=["patient", "given_at"])]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.get_product_display()} on {self.given_at:%Y-%m-%d}"


class OfferOutcome(models.TextChoices):
    DECLINED = "declined", _("Declined")
    HAS_ONE = "has_one", _("Already has naloxone")


class NaloxoneOfferRecord(AppendOnlyModel):
    """An offer that did not end in a kit from us (a kit given is itself the offer made)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=20, choices=[(e.value, e.value) for e in OfferEvent])
    outcome = models.CharField(max_length=10, choices=OfferOutcome.choices)
    note = models.TextField(blank=True)
    offered_at = models.DateTimeField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at", "-id"]

    def __str__(self) -> str:
        return f"Naloxone offer {self.outcome} on {self.offered_at:%Y-%m-%d}"
