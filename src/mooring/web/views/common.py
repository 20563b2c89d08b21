"""What every staff page shares: the access decorator and domain errors turned into answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict

from mooring.accounts.capabilities import Capability
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, DomainError, NotFoundOrForbidden
from mooring.patients.models import Patient
from mooring.patients.selectors import patient_for
from mooring.web.access import forbidden, staff_page

View = Callable[..., HttpResponse]


class PageDenied(CapabilityDenied):
    """A capability the page needed for this record; names it for the 403 page."""

    def __init__(self, capability: Capability):
        super().__init__(str(Capability(capability).label), code="capability_denied")
        self.capability = Capability(capability)


def staff_view(capability: Capability) -> Callable[[View], View]:
    """``staff_page`` plus the house answers: 404 for "missing or not yours", 403 for a role."""

    def decorate(view: View) -> View:
        @staff_page(capability)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbidden:
                raise Http404 from None
            except CapabilityDenied as denied:
                needed = getattr(denied, "capability", capability)
                return forbidden(request, str(Capability(needed).label))

        return wrapper

    return decorate


def load_patient(
    actor: Actor, patient_uuid: object, capability: Capability, *, purpose: str
) -> Patient:
    """The access funnel, with a refusal that names what the page needed."""
    try:
        return patient_for(actor, patient_uuid, capability, purpose=purpose)
    except NotFoundOrForbidden:
        raise
    except CapabilityDenied:
        raise PageDenied(capability) from None


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put each problem beside its field; problems without a known field go on top.

    A refusal is not a form problem: it goes on to ``staff_view``, which answers 403.
    """
    if isinstance(error, CapabilityDenied):
        raise error
    for problem in error.problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (``request.POST or None`` would drop it)."""
    return request.POST if request.method == "POST" else None


def files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None
