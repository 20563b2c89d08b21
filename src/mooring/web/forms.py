"""Page forms: plain ``forms.Form`` that parse input; the services decide what is allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mooring.patients.models import DischargeReason, Payer, ProgramType, SexAtBirth
from mooring.patients.services import Demographics


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class StaffForm(forms.Form):
    """Marks fields in error for assistive technology (aria-invalid, aria-describedby)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def _choices(enum: Any, blank: str | None = None) -> list[tuple[str, Any]]:
    options = list(enum.choices)
    return [("", blank), *options] if blank is not None else options


class DemographicsForm(StaffForm):
    legal_given_name = forms.CharField(label=_("Legal first name"), max_length=100)
    legal_family_name = forms.CharField(label=_("Legal last name"), max_length=100)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=100,
        required=False,
        help_text=_("The name this person wants to be called."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    sex_at_birth = forms.ChoiceField(
        label=_("Sex assigned at birth"), choices=_choices(SexAtBirth, _("Choose…"))
    )
    gender_identity = forms.CharField(label=_("Gender identity"), max_length=60, required=False)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=30, required=False)
    preferred_language = forms.CharField(
        label=_("Preferred language"), max_length=40, initial="English"
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address_line = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state = forms.CharField(label=_("State"), max_length=40, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    emergency_contact_name = forms.CharField(
        label=_("Emergency contact"), max_length=150, required=False
    )
    emergency_contact_phone = forms.CharField(
        label=_("Emergency contact phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    emergency_contact_relationship = forms.CharField(
        label=_("Relationship"), max_length=60, required=False
    )
    payer = forms.ChoiceField(label=_("Payer"), choices=_choices(Payer, _("Choose…")))
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A JPEG, PNG or WebP picture under 4 MB, used to confirm identity."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def demographics(self) -> Demographics:
        data = self.cleaned_data
        return Demographics(**{name: data[name] for name in Demographics.__dataclass_fields__})


class RegisterForm(DemographicsForm):
    program_type = forms.ChoiceField(
        label=_("Admit to"),
        required=False,
        choices=_choices(ProgramType, _("Do not admit now")),
        help_text=_("Optional: open an episode of care at this clinic now."),
    )
    admitted_on = forms.DateField(label=_("Admission date"), required=False, widget=DateInput())
    duplicates_reviewed = forms.BooleanField(
        label=_("This is a different person — register anyway"), required=False
    )

    def __init__(self, *args: Any, can_admit: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not can_admit:
            del self.fields["program_type"]
            del self.fields["admitted_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("program_type") and not data.get("admitted_on"):
            self.add_error("admitted_on", _("Enter the admission date."))
        return data

    def admission(self) -> tuple[str, date] | None:
        program_type = self.cleaned_data.get("program_type")
        if not program_type:
            return None
        return program_type, self.cleaned_data["admitted_on"]


class AdmitForm(StaffForm):
    program_type = forms.ChoiceField(
        label=_("Program"), choices=_choices(ProgramType, _("Choose…"))
    )
    admitted_on = forms.DateField(label=_("Admission date"), widget=DateInput())


class DischargeForm(StaffForm):
    discharged_on = forms.DateField(label=_("Discharge date"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason for discharge"),
        choices=_choices(DischargeReason, _("Choose…")),
        help_text=_("The TEDS discharge reason."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PregnancyForm(StaffForm):
    is_pregnant = forms.TypedChoiceField(
        label=_("Pregnancy status"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Pregnant")), ("no", _("Not pregnant"))],
        coerce=lambda value: value == "yes",
    )
    estimated_due_date = forms.DateField(
        label=_("Estimated due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when pregnant."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
