"""Forms for the injection, withdrawal-medicine and naloxone pages.

They parse input only: whether an injection is due, a dose allowed or a kit may be handed
out is for the services to say, and their refusals come back onto these forms as errors.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mooring.injections.products import MEDICATION_PRODUCTS, PRODUCT_SITES, InjectionSite
from mooring.naloxone.models import PRODUCTS, OfferOutcome, Recipient
from mooring.rules.naloxone import Availability, OfferEvent
from mooring.web.forms import DateInput, StaffForm, _choices
from mooring.withdrawal.models import Hepatic, Renal

MG = {"min_value": Decimal("0.001"), "max_digits": 8, "decimal_places": 3}

OFFER_EVENTS = {
    OfferEvent.INTAKE: _("At intake"),
    OfferEvent.MEDICATION_START: _("At a medication start"),
    OfferEvent.MEDICATION_RENEWAL: _("At a medication renewal"),
    OfferEvent.INJECTION: _("At a long-acting injection"),
    OfferEvent.OTHER_VISIT: _("At another visit"),
}


def override_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for overriding the refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Prescribers only, and only for refusals the rule marks as overridable."),
    )


def form_ids(order_uuid: object) -> str:
    """Field ids for one order's form, so several forms on one page keep distinct labels."""
    return f"id_{str(order_uuid)[:8]}_%s"


# Injections ------------------------------------------------------------------------------


class InjectionForm(StaffForm):
    """One injection of one order. Site choices follow the order's product(s)."""

    order = forms.UUIDField(widget=forms.HiddenInput)
    product = forms.ChoiceField(label=_("Product"), required=False)
    site = forms.ChoiceField(label=_("Injection site"))
    dose_mg = forms.DecimalField(label=_("Dose (mg)"), **MG)
    lot = forms.CharField(label=_("Lot number"), max_length=60)
    expiry = forms.DateField(label=_("Expiry date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = override_field()

    def __init__(self, *args: Any, medication: str, product: str | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = MEDICATION_PRODUCTS.get(medication, ())
        if product:
            sites = PRODUCT_SITES[product]
            del self.fields["product"]
        else:
            # Monthly buprenorphine before its first injection: the nurse names the product.
            self.fields["product"].choices = [("", _("Choose…")), *((p, p.label) for p in choices)]
            self.fields["product"].required = True
            sites = tuple(dict.fromkeys(s for p in choices for s in PRODUCT_SITES[p]))
        self.fields["site"].choices = [
            ("", _("Choose…")),
            *((s, InjectionSite(s).label) for s in sites),
        ]


# Withdrawal medicines --------------------------------------------------------------------


class WithdrawalDoseForm(StaffForm):
    order = forms.UUIDField(widget=forms.HiddenInput)
    dose_mg = forms.DecimalField(label=_("Dose (mg)"), **MG)
    pulse_bpm = forms.IntegerField(label=_("Pulse (beats a minute)"), required=False, min_value=0)
    systolic_mmhg = forms.IntegerField(
        label=_("Systolic blood pressure (mmHg)"), required=False, min_value=0
    )
    diastolic_mmhg = forms.IntegerField(
        label=_("Diastolic blood pressure (mmHg)"), required=False, min_value=0
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = override_field()


class ImpairmentForm(StaffForm):
    hepatic = forms.ChoiceField(label=_("Hepatic impairment"), choices=_choices(Hepatic))
    renal = forms.ChoiceField(label=_("Renal impairment"), choices=_choices(Renal))
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawalSettingsForm(StaffForm):
    clonidine_enabled = forms.BooleanField(
        label=_("Use clonidine for withdrawal at this clinic"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for this choice"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Clonidine is off-label for withdrawal; say who decided and why."),
    )


# Naloxone --------------------------------------------------------------------------------


def _kit_products() -> list[tuple[str, str]]:
    return [
        (key, product.name)
        for key, product in PRODUCTS.items()
        if product.availability is not Availability.DISCONTINUED
    ]


class NaloxoneKitForm(StaffForm):
    recipient = forms.ChoiceField(
        label=_("Given to"),
        choices=_choices(Recipient),
        initial=Recipient.PATIENT,
        widget=forms.RadioSelect,
    )
    recipient_name = forms.CharField(
        label=_("Household member's name"),
        max_length=150,
        required=False,
        help_text=_("Only when the kit goes to someone in the household."),
    )
    recipient_relationship = forms.CharField(
        label=_("Relationship to the patient"), max_length=60, required=False
    )
    product = forms.ChoiceField(label=_("Product"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    lot = forms.CharField(label=_("Lot number"), max_length=60)
    expiry = forms.DateField(label=_("Expiry date"), widget=DateInput())
    training_recorded = forms.BooleanField(label=_("Shown how to use it"), required=False)
    training_note = forms.CharField(
        label=_("Training note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("Choose…")), *_kit_products()]


class NaloxoneOfferForm(StaffForm):
    event = forms.ChoiceField(label=_("When the offer was made"), choices=OFFER_EVENTS.items())
    outcome = forms.ChoiceField(
        label=_("What the person said"), choices=_choices(OfferOutcome), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
