"""How pages learn who is acting and where, and refuse what the role may not do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor, client_address

SESSION_CLINIC = "mooring_clinic_uuid"


def current_clinic(request: HttpRequest) -> Clinic | None:
    """The clinic the user is working at now (chosen in the header; first by default)."""
    cached = getattr(request, "_mooring_clinic", None)
    if cached is not None:
        return cached
    clinics = access.clinics_for(request.user)
    if not clinics:
        return None
    wanted = request.session.get(SESSION_CLINIC)
    clinic = next((c for c in clinics if str(c.uuid) == wanted), clinics[0])
    request._mooring_clinic = clinic  # type: ignore[attr-defined]
    return clinic


def actor_from(request: HttpRequest, channel: str = "web") -> Actor:
    clinic = current_clinic(request)
    roles = tuple(sorted(access.roles_at(request.user, clinic.id if clinic else None)))
    return Actor(user=request.user, clinic=clinic, roles=roles,
                 source_address=client_address(request),
                 user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], channel=channel)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "web/forbidden.html", {"message": message}, status=403)
    return response if response.status_code == 403 else HttpResponseForbidden(message)


def staff_page(capability: Capability) -> Callable[[Callable[..., HttpResponse]],
                                                    Callable[..., HttpResponse]]:
    """Require login and the capability at the current clinic."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            clinic = current_clinic(request)
            if clinic is None or not access.can(request.user, capability, clinic.id):
                return forbidden(request, str(Capability(capability).label))
            return view(request, *args, **kwargs)

        wrapper.mooring_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorate
