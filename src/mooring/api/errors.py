"""Every API error as problem+json (RFC 9457): one shape, a stable ``code`` per cause.

    {"type": "about:blank", "title": "Unprocessable content", "status": 422,
     "code": "validation_failed", "detail": "Enter the legal last name.",
     "instance": "/api/v1/patients",
     "errors": [{"field": "legal_family_name", "code": "required", "message": "..."}]}

Domain errors keep their code and field; request validation (bad JSON, wrong type, missing
field) uses the field's path inside the body or query and a code from :data:`PYDANTIC_CODES`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mooring.api.auth import AuthFailed, CsrfFailed
from mooring.core.errors import DomainError, FieldProblem
from mooring.patients.services import PossibleDuplicate

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not signed in"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    409: gettext_lazy("Conflict"),
    422: gettext_lazy("Unprocessable content"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Server error"),
}

# pydantic error types -> our stable codes (the same words the services use).
PYDANTIC_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "string_too_long": "too_long",
    "string_too_short": "required",
    "enum": "invalid_choice",
    "literal_error": "invalid_choice",
    "date_parsing": "invalid_date",
    "date_from_datetime_parsing": "invalid_date",
    "date_from_datetime_inexact": "invalid_date",
    "date_type": "invalid_date",
    "invalid_date": "invalid_date",
    "uuid_parsing": "invalid_uuid",
    "uuid_type": "invalid_uuid",
    "string_type": "invalid_type",
    "bool_type": "invalid_type",
    "bool_parsing": "invalid_type",
    "model_attributes_type": "invalid_type",
    "dict_type": "invalid_type",
    "json_invalid": "invalid_json",
    "null_not_allowed": "required",
    "int_type": "invalid_type",
    "int_parsing": "invalid_type",
    "decimal_type": "invalid_type",
    "decimal_parsing": "invalid_type",
    "datetime_type": "invalid_datetime",
    "datetime_parsing": "invalid_datetime",
    "datetime_from_date_parsing": "invalid_datetime",
    # Raised by name in the schemas (PydanticCustomError): already our codes.
    "invalid_type": "invalid_type",
    "naive_datetime": "naive_datetime",
}
# Ninja names each parameter group; they are not part of the field path a caller sees.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldProblem] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(status, TITLES[400])),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.path,
        "errors": [{"field": p.field, "code": p.code, "message": p.message} for p in errors or []],
    }
    body.update(extra or {})
    response = HttpResponse(
        json.dumps(body, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="mooring"'
    return response


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, PossibleDuplicate):
        return _possible_duplicate(request, exc)
    return problem_response(
        request, status=exc.status, code=exc.code, detail=exc.message, errors=exc.problems
    )


def _possible_duplicate(request: HttpRequest, exc: PossibleDuplicate) -> HttpResponse:
    # The service's message names every candidate in the program; the API names only those
    # the caller may open (the endpoint filtered them) and counts the rest.
    hidden = getattr(exc, "hidden_count", 0)
    detail = _(
        "This may be someone already registered. Check the candidates; if this is a "
        'different person, send the request again with "duplicates_reviewed": true.'
    )
    message = _("Possible duplicate of %(count)s existing record(s).") % {
        "count": len(exc.candidates) + hidden
    }
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        detail=detail,
        errors=[FieldProblem(None, exc.code, message)],
        extra={
            "candidates": [{"uuid": str(p.uuid), "mrn": p.mrn} for p in exc.candidates],
            "hidden_candidates": hidden,
        },
    )


def field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    """``("body", "payload", "episodes", 0, "admitted_on")`` -> ``"episodes.0.admitted_on"``."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        source = parts.pop(0)
        # A body arrives as one named parameter (the schema); query and path fields don't.
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(str(p) for p in parts)


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        kind = str(error.get("type", ""))
        problems.append(
            FieldProblem(
                field_path(error.get("loc", ())) or None,
                PYDANTIC_CODES.get(kind, "invalid"),
                str(error.get("msg", "")),
            )
        )
    first = problems[0] if problems else FieldProblem(None, "invalid", "")
    detail = f"{first.field}: {first.message}" if first.field else first.message
    # As for a service's ValidationFailed, the problem's code is its first error's code.
    return problem_response(request, status=422, code=first.code, detail=detail, errors=problems)


def _auth_failed(request: HttpRequest, exc: AuthFailed) -> HttpResponse:
    return problem_response(request, status=401, code=exc.code, detail=exc.message)


def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        code="not_authenticated",
        detail=_("Sign in, or send 'Authorization: Bearer <token>'."),
    )


def _csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        code="csrf_failed",
        detail=_("A signed-in browser must send the CSRF token (X-CSRFToken) with this request."),
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse request body" in str(exc):
        return problem_response(
            request,
            status=400,
            code="invalid_json",
            detail=_("The request body is not valid JSON."),
        )
    codes = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "too_many_requests",
    }
    return problem_response(
        request, status=exc.status_code, code=codes.get(exc.status_code, "error"), detail=str(exc)
    )


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, code="not_found", detail=_("Not found."))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path)
    return problem_response(
        request,
        status=500,
        code="server_error",
        detail=_(
            "Something went wrong on our side. Check whether the change was made before retrying."
        ),
    )


def install(api: NinjaAPI) -> None:
    """Register every handler; the most specific class wins, so order does not matter."""
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(AuthFailed, _auth_failed)
    api.add_exception_handler(AuthenticationError, _not_authenticated)
    api.add_exception_handler(CsrfFailed, _csrf_failed)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(Exception, _unexpected)
