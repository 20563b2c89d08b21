"""The idle time-out: sign out after a quiet spell and go back to the login page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from mooring.accounts.services import logout_recorded


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
                logout_recorded(request, reason="idle_timeout")
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"type": "about:blank", "title": "Signed out", "status": 401,
                         "code": "session_expired",
                         "detail": "The session ended after a quiet spell; sign in again."},
                        status=401, content_type="application/problem+json")
                login_url = reverse(settings.LOGIN_URL)
                return redirect(f"{login_url}?timeout=1&next={request.path}")
            # Written at most every tenth of the limit (a minute at most): a changed session
            # is an UPDATE and a COMMIT after every page otherwise. So a sign-out may come up
            # to a tenth of the limit early, never late.
            if last_seen is None or now - last_seen >= min(limit / 10, 60):
                request.session[self.session_key] = now
        return self.get_response(request)
