"""Finding, registering, reading and editing patients."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError
from mooring.core.time import today_at
from mooring.naloxone.selectors import naloxone_status
from mooring.patients.models import Patient
from mooring.patients.selectors import current_pregnancy
from mooring.patients.services import (
    PossibleDuplicate,
    episode_admit,
    patient_update,
    pregnancy_record,
)
from mooring.patients.services import (
    patient_register as register_service,
)
from mooring.web.access import actor_from
from mooring.web.forms import DemographicsForm, PregnancyForm, RegisterForm
from mooring.web.selectors import (
    chart_for,
    duplicate_rows,
    open_patients,
    patient_rows,
)
from mooring.web.selectors import (
    patient_search as search_selector,
)
from mooring.web.views.common import (
    PageDenied,
    add_domain_errors,
    files,
    load_patient,
    posted,
    staff_view,
)

PAGE_SIZE = 25

# The chart's tabs. Later issues fill the clinical ones; until then they say so plainly.
OVERVIEW = "overview"
CLINICAL_TABS = {
    OVERVIEW: gettext_lazy("Overview"),
    "medication": gettext_lazy("Medication"),
    "assessments": gettext_lazy("Assessments"),
    "care-plan": gettext_lazy("Care plan"),
    "tests": gettext_lazy("Tests"),
}
DEMOGRAPHIC_TABS = {OVERVIEW: gettext_lazy("Overview")}


def _today(actor: Actor) -> Any:
    assert actor.clinic is not None  # staff_view refused users without a clinic
    return today_at(actor.clinic.tz)


# Finding ---------------------------------------------------------------------------------


def _list_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()
    today = _today(actor)
    if query:
        return {"query": query, "rows": search_selector(actor, query, today=today)}
    page = Paginator(open_patients(actor, actor.clinic), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"query": "", "page": page, "rows": patient_rows(page.object_list, today=today)}


@staff_view(Capability.SEARCH_PATIENTS)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients with an open episode here, or the answers to a search (``?q=``)."""
    actor = actor_from(request)
    response = render(request, "web/patients/list.html", _list_context(request, actor))
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_view(Capability.SEARCH_PATIENTS)
def patient_search(request: HttpRequest) -> HttpResponse:
    """The results alone, for the search box that answers while one types."""
    actor = actor_from(request)
    context = _list_context(request, actor)
    response = render(request, "web/patients/list.html#results", context)
    query = {"q": context["query"]} if context["query"] else {}
    response["HX-Replace-Url"] = reverse("web:patient_list") + (
        f"?{urlencode(query)}" if query else ""
    )
    return response


# Registering -----------------------------------------------------------------------------


@transaction.atomic
def _register(actor: Actor, form: RegisterForm, photo: Any) -> Patient:
    """Register, and admit when asked; an admission that fails undoes the registration."""
    clinic = actor.clinic
    assert clinic is not None
    patient = register_service(
        actor=actor,
        clinic=clinic,
        data=form.demographics(),
        photo=photo,
        duplicates_reviewed=form.cleaned_data["duplicates_reviewed"],
    )
    admission = form.admission()
    if admission is not None:
        program_type, admitted_on = admission
        episode_admit(
            actor=actor,
            patient=patient,
            clinic=clinic,
            program_type=program_type,
            admitted_on=admitted_on,
        )
    return patient


@staff_view(Capability.REGISTER_PATIENT)
def patient_register(request: HttpRequest) -> HttpResponse:
    actor = actor_from(request)
    assert actor.clinic is not None
    can_admit = access.can(request.user, Capability.MANAGE_EPISODES, actor.clinic.id)
    form = RegisterForm(
        posted(request),
        files(request),
        can_admit=can_admit,
        initial={"admitted_on": _today(actor)},
    )
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            patient = _register(actor, form, request.FILES.get("photo"))
        except PossibleDuplicate as possible:
            duplicates = duplicate_rows(actor, possible.candidates, today=_today(actor))
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Registered %(name)s with MRN %(mrn)s.")
                % {"name": patient.display_name, "mrn": patient.mrn},
            )
            return redirect("web:patient_chart", patient_uuid=patient.uuid)
    return render(
        request,
        "web/patients/register.html",
        {"form": form, "duplicates": duplicates, "can_admit": can_admit},
        status=422 if form.errors else 200,
    )


# Reading ---------------------------------------------------------------------------------


def _load_for_chart(actor: Actor, patient_uuid: object, tab: str) -> tuple[Patient, bool]:
    """Clinical staff get the full chart; others, or staff whose role at the patient's
    clinic stops at demographics, get the demographics-only chart."""
    clinical_here = actor.clinic is not None and access.can(
        actor.user, Capability.VIEW_CLINICAL, actor.clinic.id
    )
    if clinical_here:
        try:
            return load_patient(
                actor, patient_uuid, Capability.VIEW_CLINICAL, purpose=f"chart:{tab}"
            ), True
        except CapabilityDenied:
            if tab != OVERVIEW:
                raise
    elif tab != OVERVIEW:
        raise PageDenied(Capability.VIEW_CLINICAL)
    return load_patient(
        actor, patient_uuid, Capability.VIEW_DEMOGRAPHICS, purpose="chart:demographics"
    ), False


@staff_view(Capability.VIEW_DEMOGRAPHICS)
def patient_chart(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    tab = request.GET.get("tab", OVERVIEW)
    if tab not in CLINICAL_TABS:
        raise Http404
    patient, clinical = _load_for_chart(actor, patient_uuid, tab)
    chart = chart_for(patient, today=_today(actor), clinical=clinical)
    tabs = CLINICAL_TABS if clinical else DEMOGRAPHIC_TABS
    return render(
        request,
        "web/patients/chart.html",
        {
            "chart": chart,
            # The header's naloxone warnings (clinical roles only; views/treatment.py).
            "naloxone": naloxone_status(patient, _today(actor)) if clinical else None,
            "patient": patient,
            "tab": tab,
            "tab_label": tabs[tab],
            "tabs": list(tabs.items()),
        },
    )


def _image_type(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


@staff_view(Capability.VIEW_DEMOGRAPHICS)
def patient_photo(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    """Stream the identification photo; every view of it is an audited read."""
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.VIEW_DEMOGRAPHICS, purpose="photo")
    if not patient.photo:
        raise Http404
    handle = patient.photo.open("rb")
    content_type = _image_type(handle.read(12))
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = "inline"
    return response


# Editing ---------------------------------------------------------------------------------


_DEMOGRAPHIC_FIELDS = [name for name in DemographicsForm.base_fields if name != "photo"]


@staff_view(Capability.REGISTER_PATIENT)
def patient_edit(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.REGISTER_PATIENT, purpose="edit")
    initial = {name: getattr(patient, name) for name in _DEMOGRAPHIC_FIELDS}
    form = DemographicsForm(posted(request), files(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            patient_update(
                actor=actor,
                patient=patient,
                data=form.demographics(),
                photo=request.FILES.get("photo"),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect("web:patient_chart", patient_uuid=patient.uuid)
    return render(
        request,
        "web/patients/edit.html",
        {"form": form, "patient": patient},
        status=422 if form.errors else 200,
    )


@staff_view(Capability.RECORD_PREGNANCY)
def patient_pregnancy(request: HttpRequest, patient_uuid: object) -> HttpResponse:
    actor = actor_from(request)
    patient = load_patient(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="pregnancy")
    form = PregnancyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pregnancy_record(
                actor=actor,
                patient=patient,
                is_pregnant=data["is_pregnant"],
                estimated_due_date=data["estimated_due_date"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Recorded the pregnancy status."))
            return redirect("web:patient_chart", patient_uuid=patient.uuid)
    return render(
        request,
        "web/patients/pregnancy.html",
        {"form": form, "patient": patient, "current": current_pregnancy(patient)},
        status=422 if form.errors else 200,
    )
