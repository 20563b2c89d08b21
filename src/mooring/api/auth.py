"""Who is calling the API: a bearer token or the browser session, and at which clinic.

A request with a token is checked against the token only. A browser session also needs the
CSRF token on unsafe methods, as a form post would. Anything else gets a 401 problem.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from mooring.accounts import access
from mooring.accounts.models import Clinic, User
from mooring.api.services import api_token_user
from mooring.core.context import Actor, client_address
from mooring.core.errors import CapabilityDenied

CLINIC_HEADER = "X-Mooring-Clinic"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class AuthFailed(Exception):
    """Credentials were offered and are wrong: answer 401 at once, try no other scheme."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class CsrfFailed(Exception):
    """A session request that changes something came without a valid CSRF token."""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``api_token_create``."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthFailed(
                "invalid_authorization", _("Send the token as 'Authorization: Bearer <token>'.")
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_user(token)
        if user is None:
            raise AuthFailed("invalid_token", _("The token is unknown or has been revoked."))
        # Set the user as a session login would, so the security middleware marks the
        # response no-store and the access helpers see who is calling.
        request.user = user
        request._mooring_auth = "token"  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # csrf=True also makes the docs page hand swagger the token; the check itself runs
        # in __call__, and only once we know a session is calling.
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # The same check Django's middleware makes for a form post (token and origin).
        if request.method not in _SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        request._mooring_auth = "session"  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # pragma: no cover - __call__ does the work


def actor_from_api_request(request: HttpRequest) -> Actor:
    """The acting user at the clinic named in ``X-Mooring-Clinic``, else their first clinic.

    A clinic the user holds no role at is refused rather than silently replaced, so a script
    never writes at a clinic it did not mean.
    """
    user = request.user
    clinics = access.clinics_for(user)
    wanted = request.headers.get(CLINIC_HEADER, "").strip()
    clinic: Clinic | None
    if wanted:
        clinic = next((c for c in clinics if str(c.uuid) == wanted.lower()), None)
        if clinic is None:
            raise CapabilityDenied(
                _("You hold no role at the clinic in %(header)s.") % {"header": CLINIC_HEADER},
                code="clinic_not_allowed",
                field=CLINIC_HEADER,
            )
    else:
        clinic = clinics[0] if clinics else None
    roles = tuple(sorted(access.roles_at(user, clinic.id if clinic else None)))
    return Actor(
        user=user,
        clinic=clinic,
        roles=roles,
        source_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        channel="api",
    )
