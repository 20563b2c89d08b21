"""Forms for the dosing window, the medication page and the stock pages.

They parse input only. Whether a dose is safe, an order allowed or a count balanced is for
the services to say; their refusals come back onto these forms as errors.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic, User
from mooring.inventory.models import Product, StockBottle
from mooring.medications.models import (
    COWS_RANGE,
    DoseForm,
    LastOpioid,
    Medication,
    MedicationOrder,
    NaloxoneChallenge,
    Phase,
)
from mooring.medications.services import OrderDraft
from mooring.web.forms import DateInput, StaffForm, _choices

MG = {"min_value": Decimal("0.01"), "max_digits": 8, "decimal_places": 2}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# The dosing window -----------------------------------------------------------------------


class DispenseForm(StaffForm):
    """One observed administration. The request key is minted when the page is drawn."""

    order = forms.UUIDField(widget=forms.HiddenInput)
    administration_index = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    amount_mg = forms.DecimalField(widget=forms.HiddenInput, **MG)
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    stock_bottle = forms.ChoiceField(label=_("Stock bottle"))
    back_entered = forms.BooleanField(label=_("Back-entered after a downtime"), required=False)
    administered_at = forms.DateTimeField(
        label=_("Time the dose was actually given"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Clinic time. Only for doses given while the system was down."),
    )

    def __init__(
        self, *args: Any, bottles: list[StockBottle], tz: zoneinfo.ZoneInfo, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["stock_bottle"].choices = [(str(b.uuid), _bottle_label(b)) for b in bottles]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        when = data.get("administered_at")
        if data.get("back_entered"):
            if when is None:
                self.add_error("administered_at", _("Give the time the dose was actually given."))
            else:
                # The browser sends clinic wall-clock time; make it aware in the clinic zone.
                data["administered_at"] = when.replace(tzinfo=None).replace(tzinfo=self.tz)
        else:
            data["administered_at"] = None
        return data


def _bottle_label(bottle: StockBottle) -> str:
    return str(
        _("%(label)s · %(product)s · lot %(lot)s · %(mg)s mg left · expires %(expires)s")
        % {
            "label": bottle.label,
            "product": bottle.product.name,
            "lot": bottle.lot,
            "mg": f"{bottle.balance_mg.normalize():f}",
            "expires": bottle.expires_on.isoformat(),
        }
    )


class SedationForm(StaffForm):
    order = forms.UUIDField(widget=forms.HiddenInput)
    observations = forms.CharField(
        label=_("What did you observe?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: slurred speech, pinpoint pupils, nodding off. "
            "Today's dose will not be given and the prescriber is told."
        ),
    )


# The medication page ---------------------------------------------------------------------


# What a start needs to know: shown on the new-order and change forms as "About the start".
START_FIELDS = ("last_opioid", "last_opioid_use_at", "cows_score", "naloxone_challenge")


def clinic_time(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Wall-clock time in the clinic's zone as an aware datetime, DST-safe.

    A time the clocks skipped (spring forward) did not happen: ``ValueError``. A time the
    clocks showed twice (fall back) is read as the later of the two, which counts fewer
    hours since it: the conservative reading for a wait before a first dose. The result is
    in UTC (an aware time "in the fold" never compares equal across zones, PEP 495).
    """
    naive = naive.replace(tzinfo=None)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError("skipped by a daylight-saving change")
    return second.astimezone(UTC)


class ClinicDateTimeField(forms.Field):
    """A ``datetime-local`` input read in the clinic's time zone (never the server's)."""

    widget = DateTimeLocalInput
    input_formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
    default_error_messages = {
        "invalid": _("Enter a date and time."),
        "skipped": _(
            "%(time)s did not happen in %(zone)s: the clocks went forward. Enter the time "
            "the clock showed after the change."
        ),
    }

    def __init__(self, *, tz: zoneinfo.ZoneInfo | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.tz = tz or zoneinfo.ZoneInfo("UTC")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Compare what the input shows (wall-clock minutes), not the instants: a time
        offered back unchanged keeps its seconds and its side of a repeated hour."""
        shown = self.prepare_value(initial)
        before = shown.strftime(self.input_formats[0]) if isinstance(shown, datetime) else ""
        return before != str(data or "").strip()

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value
            naive = value
        else:
            naive = self._parse(str(value).strip())
        try:
            return clinic_time(naive, self.tz)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["skipped"],
                code="skipped",
                params={"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": self.tz.key},
            ) from None

    def _parse(self, text: str) -> datetime:
        for pattern in self.input_formats:
            try:
                return datetime.strptime(text, pattern)  # noqa: DTZ007 (clinic wall clock)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StartContextForm(StaffForm):
    """The "About the start" fieldset: the last opioid use, COWS and the naloxone challenge.

    The form only parses; the services say when they are required (a naltrexone start, a
    buprenorphine induction) and put the rules' refusals on these fields.
    """

    last_opioid = forms.ChoiceField(
        label=_("Last opioid used"),
        choices=_choices(LastOpioid, _("Not recorded")),
        required=False,
    )
    last_opioid_use_at = ClinicDateTimeField(label=_("Date and time of last use"), required=False)
    cows_score = forms.IntegerField(
        label=_("Latest COWS score"),
        min_value=COWS_RANGE[0],
        max_value=COWS_RANGE[1],
        required=False,
        help_text=_("The Clinical Opiate Withdrawal Scale total, 0 to 48."),
    )
    naloxone_challenge = forms.ChoiceField(
        label=_("Naloxone challenge"),
        choices=[("", _("Not done")), *NaloxoneChallenge.choices],
        required=False,
    )

    def __init__(self, *args: Any, tz: zoneinfo.ZoneInfo, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tz = tz
        when = self.fields["last_opioid_use_at"]
        assert isinstance(when, ClinicDateTimeField)
        when.tz = tz
        when.help_text = _("Clinic time (%(zone)s), as the person reports it.") % {"zone": tz.key}

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in START_FIELDS]

    def start_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in START_FIELDS]

    def start_context(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "last_opioid": data["last_opioid"],
            "last_opioid_use_at": data["last_opioid_use_at"],
            "cows_score": data["cows_score"],
            "naloxone_challenge": data["naloxone_challenge"],
        }


class OrderForm(StartContextForm):
    medication = forms.ChoiceField(
        label=_("Medication"), choices=_choices(Medication, _("Choose…")), initial="methadone"
    )
    form = forms.ChoiceField(label=_("Form"), choices=_choices(DoseForm), initial="oral_liquid")
    phase = forms.ChoiceField(label=_("Phase"), choices=_choices(Phase), initial="induction")
    daily_dose_mg = forms.DecimalField(label=_("Daily dose (mg)"), **MG)
    split = forms.IntegerField(
        label=_("Administrations per day"), min_value=1, max_value=4, initial=1
    )
    observed = forms.BooleanField(
        label=_("Observed dosing at the window"), required=False, initial=True
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for an open-ended order."),
    )

    field_order = [
        "medication",
        "form",
        "phase",
        "daily_dose_mg",
        "split",
        "observed",
        "start_date",
        "end_date",
        *START_FIELDS,
    ]

    @classmethod
    def data_of(cls, order: MedicationOrder, tz: zoneinfo.ZoneInfo) -> dict[str, str]:
        """An order as posted form data (to offer a refused draft back for correction)."""
        used_at = order.last_opioid_use_at
        return {
            "medication": order.medication,
            "form": order.form,
            "phase": order.phase,
            "daily_dose_mg": f"{order.daily_dose_mg.normalize():f}",
            "split": str(order.split),
            **({"observed": "on"} if order.observed else {}),
            "start_date": order.start_date.isoformat(),
            "end_date": order.end_date.isoformat() if order.end_date else "",
            "last_opioid": order.last_opioid,
            "last_opioid_use_at": (
                used_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if used_at else ""
            ),
            "cows_score": "" if order.cows_score is None else str(order.cows_score),
            "naloxone_challenge": order.naloxone_challenge,
        }

    def draft(self) -> OrderDraft:
        data = self.cleaned_data
        context = self.start_context()
        return OrderDraft(
            medication=data["medication"],
            form=data["form"],
            phase=data["phase"],
            daily_dose_mg=data["daily_dose_mg"],
            split=data["split"],
            observed=data["observed"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            **context,
        )


class OverrideForm(StaffForm):
    override_reason = forms.CharField(
        label=_("Reason for overriding the refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only refusals the rule marks as overridable can be signed with a reason."),
    )


class ChangeForm(StartContextForm, OverrideForm):
    """A change; the start fields come filled in from the current order, a blank keeps it."""

    start_date = forms.DateField(label=_("Change from"), widget=DateInput())
    daily_dose_mg = forms.DecimalField(label=_("New daily dose (mg)"), **MG)
    split = forms.IntegerField(label=_("Administrations per day"), min_value=1, max_value=4)
    phase = forms.ChoiceField(label=_("Phase"), choices=_choices(Phase))

    field_order = ["start_date", "daily_dose_mg", "split", "phase", *START_FIELDS]

    @staticmethod
    def initial_of(order: MedicationOrder, start: date) -> dict[str, Any]:
        return {
            "start_date": start,
            "daily_dose_mg": order.daily_dose_mg,
            "split": order.split,
            "phase": order.phase,
            "last_opioid": order.last_opioid,
            "last_opioid_use_at": order.last_opioid_use_at,
            "cows_score": order.cows_score,
            "naloxone_challenge": order.naloxone_challenge,
        }

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in super().main_fields() if f.name != "override_reason"]

    def start_context(self) -> dict[str, Any]:
        """What changes; a blank or untouched field carries the current order's value over
        (``None``)."""
        return {
            name: None if value in ("", None) or name not in self.changed_data else value
            for name, value in super().start_context().items()
        }


class EndForm(StaffForm):
    end_date = forms.DateField(
        label=_("End from"), widget=DateInput(), help_text=_("The last dose day is the day before.")
    )
    reason = forms.CharField(label=_("Why the order ends"), max_length=300)


class QtcForm(StaffForm):
    measured_on = forms.DateField(label=_("ECG date"), widget=DateInput())
    qtc_ms = forms.IntegerField(label=_("QTc (ms)"))


class HoldForm(StaffForm):
    reason = forms.CharField(label=_("Why dosing is held"), max_length=500)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until (not included)"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to hold until released."),
    )
    medication = forms.ChoiceField(
        label=_("Medication"),
        required=False,
        choices=_choices(Medication, _("Every medication")),
    )


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReviewForm(StaffForm):
    note = forms.CharField(
        label=_("What you reviewed and decided"), widget=forms.Textarea(attrs={"rows": 3})
    )


# Stock ------------------------------------------------------------------------------------


class ReceiveForm(StaffForm):
    product = forms.ChoiceField(label=_("Product"))
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    invoice_number = forms.CharField(
        label=_("Invoice or DEA form number"), max_length=60, required=False
    )
    lot = forms.CharField(label=_("Lot"), max_length=60)
    expires_on = forms.DateField(label=_("Expiry date"), widget=DateInput())
    bottle_count = forms.IntegerField(label=_("Bottles"), min_value=1, max_value=100, initial=1)
    quantity_mg_per_bottle = forms.DecimalField(
        label=_("Milligrams per bottle"),
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
    )

    def __init__(self, *args: Any, products: list[Product], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.products = {str(p.uuid): p for p in products}
        self.fields["product"].choices = [("", _("Choose…"))] + [
            (key, p.name) for key, p in self.products.items()
        ]


class RemovalForm(StaffForm):
    """Waste or spill: an amount, a reason, and (for a spill, required) a witness."""

    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=[("waste", _("Waste")), ("spill", _("Spill"))],
        widget=forms.RadioSelect,
        initial="waste",
    )
    amount_mg = forms.DecimalField(
        label=_("Amount (mg)"), min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    witness = forms.ChoiceField(
        label=_("Witness"),
        required=False,
        help_text=_("Required for a spill: a second nurse or director."),
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.staff = {str(u.uuid): u for u in staff}
        self.fields["witness"].choices = [("", _("No witness"))] + [
            (key, u.display_name or u.username) for key, u in self.staff.items()
        ]

    def witness_user(self) -> User | None:
        return self.staff.get(self.cleaned_data.get("witness") or "")


class AdjustForm(StaffForm):
    delta_mg = forms.DecimalField(
        label=_("Change in mg"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Positive adds to the book balance, negative takes from it."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class TransferForm(StaffForm):
    to_clinic = forms.ChoiceField(label=_("To clinic"))
    amount_mg = forms.DecimalField(
        label=_("Amount (mg)"), min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.clinics = {str(c.uuid): c for c in clinics}
        self.fields["to_clinic"].choices = [("", _("Choose…"))] + [
            (key, c.name) for key, c in self.clinics.items()
        ]


class CountForm(StaffForm):
    counted_ml = forms.DecimalField(
        label=_("Counted volume (mL)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
        required=False,
    )
    counted_mg = forms.DecimalField(
        label=_("Counted amount (mg)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
        required=False,
        help_text=_("For tablets and films; liquids are counted in mL."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        help_text=_("Required when the count differs from the book."),
    )


class CloseForm(StaffForm):
    note = forms.CharField(label=_("What was found and done"), max_length=1000)
    adjust = forms.BooleanField(
        label=_("Bring the book balance to the count"), required=False, initial=True
    )


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput(), required=False)

    def day_or(self, default: date) -> date:
        if self.is_valid() and self.cleaned_data["day"]:
            return self.cleaned_data["day"]
        return default


def aware(value: datetime | None, tz: zoneinfo.ZoneInfo) -> datetime | None:
    return None if value is None else value.replace(tzinfo=None).replace(tzinfo=tz)
