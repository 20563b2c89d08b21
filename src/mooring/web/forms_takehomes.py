"""Forms for the take-home pages: issue, returns, recalls, the criteria assessment, reports.

They parse input only. How many days may go home, whether a recall is allowed or a bottle
already checked in is for :mod:`mooring.takehomes.services` to say; their refusals come
back onto these forms as errors.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mooring.inventory.models import StockBottle
from mooring.rules.profile_settings import TakeHomeCriterion
from mooring.takehomes.models import RecallOutcome, ReturnOutcome, TakeHomeBottle
from mooring.web.forms import DateInput, StaffForm
from mooring.web.forms_dosing import DateTimeLocalInput, _bottle_label, aware
from mooring.web.selectors_takehomes import day_label

# Readable names for the rules core's criteria (the rules core is Django-free, so the
# translatable labels live here). Wording follows 42 CFR 8.12(i)(2) (2024) and the 2001 rule.
CRITERION_LABELS: dict[TakeHomeCriterion, Any] = {
    TakeHomeCriterion.NO_ACTIVE_RISK_CONDITION: _(
        "No active substance use disorder, or other physical or behavioural health condition, "
        "that makes unsupervised doses unsafe"
    ),
    TakeHomeCriterion.REGULAR_ATTENDANCE: _("Regular attendance for supervised dosing"),
    TakeHomeCriterion.NO_SERIOUS_BEHAVIOURAL_PROBLEMS: _(
        "No serious behavioural problems that endanger the person, the public or others"
    ),
    TakeHomeCriterion.NO_RECENT_DIVERSION: _("No known recent diversion activity"),
    TakeHomeCriterion.SAFE_TRANSPORT_AND_STORAGE: _(
        "Can transport and store the medication safely (locked box at home)"
    ),
    TakeHomeCriterion.PRACTITIONER_OTHER_CRITERIA: _(
        "Any other criteria the practitioner considers relevant are met"
    ),
    TakeHomeCriterion.NO_RECENT_SUBSTANCE_USE: _("No recent misuse of drugs or alcohol"),
    TakeHomeCriterion.NO_RECENT_CRIMINAL_ACTIVITY: _("No recent criminal activity"),
    TakeHomeCriterion.STABLE_HOME_AND_RELATIONSHIPS: _(
        "Stable home environment and social relationships"
    ),
    TakeHomeCriterion.SUFFICIENT_TIME_IN_TREATMENT: _("Sufficient time in treatment"),
    TakeHomeCriterion.BENEFIT_OUTWEIGHS_DIVERSION_RISK: _(
        "The benefit of less frequent attendance outweighs the risk of diversion"
    ),
}


def criterion_label(value: str) -> Any:
    """The readable label of a criterion value (the raw value if the rules core grew one)."""
    try:
        return CRITERION_LABELS[TakeHomeCriterion(value)]
    except (ValueError, KeyError):
        return value.replace("_", " ")


# The dosing window: issue ------------------------------------------------------------------


class IssueForm(StaffForm):
    """Which dates go home today, from which stock bottle. The key is minted when drawn."""

    order = forms.UUIDField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    dates = forms.TypedMultipleChoiceField(
        label=_("Dates to take home"),
        coerce=date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pre-filled with the rule's plan. One bottle per date, each the day's dose."),
    )
    stock_bottle = forms.ChoiceField(label=_("Stock bottle"))

    def __init__(
        self,
        *args: Any,
        day_choices: Iterable[tuple[date, str]],
        bottles: list[StockBottle],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [(d.isoformat(), label) for d, label in day_choices]
        self.bottles = {str(b.uuid): b for b in bottles}
        self.fields["stock_bottle"].choices = [
            (k, _bottle_label(b)) for k, b in self.bottles.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def stock(self) -> StockBottle:
        return self.bottles[self.cleaned_data["stock_bottle"]]


# Returns -----------------------------------------------------------------------------------


class ReturnCheckForm(StaffForm):
    bottle = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("What came back"), choices=ReturnOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a tampered bottle: say what you saw."),
    )


# Recalls -----------------------------------------------------------------------------------


class RecallRequestForm(StaffForm):
    reason = forms.CharField(
        label=_("Why the bottles are recalled"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_by = forms.DateTimeField(
        label=_("Bring every bottle in by"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Clinic time."),
    )

    def __init__(self, *args: Any, tz: zoneinfo.ZoneInfo, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean_due_by(self) -> Any:
        # The browser sends clinic wall-clock time; make it aware in the clinic's zone.
        return aware(self.cleaned_data["due_by"], self.tz)


class RecallRecordForm(StaffForm):
    outcome = forms.ChoiceField(
        label=_("What the recall found"), choices=RecallOutcome.choices, widget=forms.RadioSelect
    )
    bottles_seen = forms.MultipleChoiceField(
        label=_("Bottles seen intact"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bottles_retained = forms.MultipleChoiceField(
        label=_("Bottles the clinic keeps"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their contents are destroyed through the stock waste process."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless every bottle was presented intact."),
    )

    def __init__(self, *args: Any, bottles: list[TakeHomeBottle], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bottles = {str(b.uuid): b for b in bottles}
        choices = [(k, day_label(b.for_date, b.code)) for k, b in self.bottles.items()]
        self.fields["bottles_seen"].choices = choices
        self.fields["bottles_retained"].choices = choices

    def chosen(self, name: str) -> list[TakeHomeBottle]:
        return [self.bottles[k] for k in self.cleaned_data.get(name, [])]


class ConcernAcknowledgeForm(StaffForm):
    note = forms.CharField(
        label=_("What follows (for example a new assessment)"),
        required=False,
        max_length=1000,
    )


# The prescriber's assessment ---------------------------------------------------------------


class AssessmentForm(StaffForm):
    criteria_met = forms.MultipleChoiceField(
        label=_("Criteria met and documented"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave a criterion unticked when it is not met: no regular supply goes out."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: Iterable[TakeHomeCriterion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"].choices = [(c.value, criterion_label(c)) for c in criteria]


# The report --------------------------------------------------------------------------------


MAX_REPORT_DAYS = 366


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To (included)"), widget=DateInput(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_REPORT_DAYS:
            self.add_error("end", _("Choose at most a year at a time."))
        return data
