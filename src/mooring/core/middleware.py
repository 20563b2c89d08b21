"""Security headers and no-store on every signed-in page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
