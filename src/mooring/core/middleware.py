"""Security headers, no-store on patient pages, and the idle time-out."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Every asset is vendored: the policy allows nothing from any other origin.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The OpenAPI page (swagger) needs inline bootstrapping; it still loads nothing external.
API_DOCS_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = API_DOCS_POLICY if request.path.startswith("/api/") else CONTENT_SECURITY_POLICY
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Nothing a signed-in person sees may sit in a shared browser's cache.
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class IdleTimeoutMiddleware:
    """Log the user out after ``MOORING_IDLE_TIMEOUT_MINUTES`` without a request."""

    session_key = "mooring_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            last_seen = request.session.get(self.session_key)
            limit = settings.MOORING_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - last_seen > limit:
                from mooring.accounts.services import logout_recorded

                logout_recorded(request, reason="idle_timeout")
                logout(request)
                if request.path.startswith("/api/"):
                    return HttpResponse(status=401)
                login_url = reverse(settings.LOGIN_URL)
                return redirect(f"{login_url}?timeout=1&next={request.path}")
            request.session[self.session_key] = now
        return self.get_response(request)
