"""The JSON API, version 1: /api/v1/, documented at /api/v1/docs (assets served locally)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

from mooring.api import (
    episodes,
    errors,
    injections,
    inventory,
    medications,
    naloxone,
    patients,
    takehomes,
    withdrawal,
)
from mooring.api.auth import SessionAuth, TokenAuth


class MooringAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Document error answers with the media type they are sent with."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[errors.PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema

    def _get_urls(self) -> list[Any]:
        """Ninja's routes, answering wrong methods and unknown paths with problems too."""
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _as_problem(pattern.callback)
        patterns.append(re_path(r"^.*$", _as_problem(_no_such_endpoint)))
        return patterns


def _no_such_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def _as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return errors.problem_response(
                request, status=404, code="not_found", detail=_("There is no such endpoint.")
            )
        if response.status_code == 405 and "Allow" in response:
            allowed = response["Allow"]
            response = errors.problem_response(
                request,
                status=405,
                code="method_not_allowed",
                detail=_("Use one of: %(methods)s.") % {"methods": allowed},
            )
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined] - as Ninja's own views are
    return wrapped


api = MooringAPI(
    title="Mooring API",
    version="1",
    description="Patients, episodes of care, medication orders, the dosing window, take-homes, "
    "injections, withdrawal medicines, naloxone and controlled-substance stock. Authenticate with `Authorization: Bearer "
    "<token>` (see docs/api.md) or a signed-in session with its CSRF token. Choose the clinic "
    "with the `X-Mooring-Clinic` header (a clinic uuid). Errors are "
    "application/problem+json with a stable `code`.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    # No validator badge: Swagger UI would otherwise ask validator.swagger.io about the spec.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/patients", patients.router)
api.add_router("", episodes.router)
api.add_router("", medications.router)
api.add_router("/inventory", inventory.router)
api.add_router("", injections.router)
api.add_router("", withdrawal.router)
api.add_router("", naloxone.router)
api.add_router("", takehomes.router)
