"""Forms of the staff pages: they parse; the accounts services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mooring.accounts.capabilities import Role
from mooring.accounts.models import Clinic
from mooring.core.errors import DomainError
from mooring.web.forms import StaffForm
from mooring.web.views.common import add_domain_errors

STATUS_CHOICES = [
    ("", gettext_lazy("Active and deactivated")),
    ("active", gettext_lazy("Active")),
    ("inactive", gettext_lazy("Deactivated")),
]


class _Prefixed(StaffForm):
    """Several forms share one page; each names its fields' ids after itself."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def _clinic_choices(clinics: list[Clinic], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(c.uuid), c.name) for c in clinics]


class StaffFilterForm(StaffForm):
    clinic = forms.ChoiceField(label=gettext_lazy("Clinic"), required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", gettext_lazy("Any role")), *Role.choices],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.clinics = {str(c.uuid): c for c in clinics}
        self.fields["clinic"].choices = _clinic_choices(clinics, _("Every clinic you manage"))

    def chosen_clinic(self) -> Clinic | None:
        return self.clinics.get(self.cleaned_data.get("clinic") or "")


class PasswordFields(_Prefixed):
    """A new password typed twice; Django's validators run in the service."""

    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "At least 12 characters, not a common password, not only digits, and not like "
            "the username."
        ),
    )
    password_again = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password"), data.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class StaffCreateForm(PasswordFields):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        help_text=gettext_lazy("Letters, digits and @ . + - _ only; used to sign in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(label=gettext_lazy("Name shown to colleagues"), max_length=150)
    credentials = forms.CharField(
        label=gettext_lazy("Credentials"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("For example MD, NP, RN, LCSW."),
    )
    field_order = ["username", "display_name", "credentials", "password", "password_again"]

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.clinics = clinics
        for clinic in clinics:
            self.fields[self.role_field(clinic)] = forms.MultipleChoiceField(
                label=_("Roles at %(clinic)s") % {"clinic": clinic.name},
                required=False,
                choices=Role.choices,
                widget=forms.CheckboxSelectMultiple,
            )

    @staticmethod
    def role_field(clinic: Clinic) -> str:
        return f"roles_{clinic.uuid.hex}"

    def role_fields(self) -> list[forms.BoundField]:
        return [self[self.role_field(c)] for c in self.clinics]

    def roles(self) -> list[tuple[Clinic, str]]:
        return [
            (clinic, role)
            for clinic in self.clinics
            for role in self.cleaned_data.get(self.role_field(clinic), [])
        ]

    def add_problems(self, error: DomainError) -> None:
        """The service's problems beside their fields; "roles" beside the first clinic's."""
        if self.clinics:
            first = self.role_field(self.clinics[0])
            for problem in error.problems:
                if problem.field == "roles":
                    problem.field = first
        add_domain_errors(self, error)


class ProfileForm(_Prefixed):
    id_prefix = "profile"
    display_name = forms.CharField(label=gettext_lazy("Name shown to colleagues"), max_length=150)
    credentials = forms.CharField(
        label=gettext_lazy("Credentials"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("For example MD, NP, RN, LCSW."),
    )


class GrantForm(_Prefixed):
    id_prefix = "grant"
    clinic = forms.ChoiceField(label=gettext_lazy("At clinic"))
    role = forms.ChoiceField(label=gettext_lazy("Role to grant"))

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.clinics = {str(c.uuid): c for c in clinics}
        self.fields["clinic"].choices = _clinic_choices(clinics, _("Choose…"))
        self.fields["role"].choices = [("", _("Choose…")), *Role.choices]

    def chosen_clinic(self) -> Clinic:
        return self.clinics[self.cleaned_data["clinic"]]


class RevokeForm(StaffForm):
    """One role at one clinic, posted by that role's own button."""

    clinic = forms.ChoiceField(widget=forms.HiddenInput)
    role = forms.ChoiceField(widget=forms.HiddenInput, choices=Role.choices)

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.clinics = {str(c.uuid): c for c in clinics}
        self.fields["clinic"].choices = [(key, c.name) for key, c in self.clinics.items()]

    def chosen_clinic(self) -> Clinic:
        return self.clinics[self.cleaned_data["clinic"]]


class DeactivateForm(_Prefixed):
    id_prefix = "deactivate"
    reason = forms.CharField(
        label=gettext_lazy("Why is the account deactivated?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "For example: left the program, on long leave. The person can no longer sign in; "
            "their roles and records stay."
        ),
    )


class PasswordResetForm(PasswordFields):
    id_prefix = "password"
