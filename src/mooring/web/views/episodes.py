"""Admitting, readmitting and discharging: episodes of care."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.core.errors import DomainError
from mooring.core.time import today_at
from mooring.patients.selectors import open_episode
from mooring.patients.services import episode_admit, episode_discharge, episode_readmit
from mooring.web.access import actor_from
from mooring.web.forms import AdmitForm, DischargeForm
from mooring.web.selectors import episode_state
from mooring.web.views.common import add_domain_errors, load_patient, posted, staff_view


@staff_view(Capability.MANAGE_EPISODES)
def patient_admit(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """Admit at the current clinic; a readmission when an earlier episode was discharged."""
    actor = actor_from(request)
    clinic = actor.clinic
    assert clinic is not None  # staff_view refused users without a clinic
    patient = load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="admit")
    state = episode_state(patient)
    form = AdmitForm(posted(request), initial={"admitted_on": today_at(clinic.tz)})
    if request.method == "POST" and form.is_valid():
        admit = episode_readmit if state.has_earlier_episode else episode_admit
        try:
            admit(
                actor=actor,
                patient=patient,
                clinic=clinic,
                program_type=form.cleaned_data["program_type"],
                admitted_on=form.cleaned_data["admitted_on"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Admitted %(name)s.") % {"name": patient.display_name})
            return redirect("web:patient_chart", patient_uuid=patient.uuid)
    return render(
        request,
        "web/patients/admit.html",
        {"form": form, "patient": patient, "state": state, "clinic": clinic},
        status=422 if form.errors else 200,
    )


@staff_view(Capability.MANAGE_EPISODES)
def patient_discharge(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="discharge")
    episode = open_episode(patient)
    initial = {"discharged_on": today_at(episode.clinic.tz)} if episode else {}
    form = DischargeForm(posted(request), initial=initial)
    if request.method == "POST" and episode is not None and form.is_valid():
        data = form.cleaned_data
        try:
            episode_discharge(
                actor=actor,
                episode=episode,
                discharged_on=data["discharged_on"],
                reason=data["reason"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Discharged %(name)s.") % {"name": patient.display_name})
            return redirect("web:patient_chart", patient_uuid=patient.uuid)
    status = 422 if form.errors else 409 if request.method == "POST" and episode is None else 200
    return render(
        request,
        "web/patients/discharge.html",
        {"form": form, "patient": patient, "episode": episode},
        status=status,
    )
