"""Sign in, sign out, and choosing the clinic one works at."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mooring.accounts import access
from mooring.web.access import SESSION_CLINIC, forbidden


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        context["idle_minutes"] = settings.MOORING_IDLE_TIMEOUT_MINUTES
        return context


login_view = LoginView.as_view()
# Django's LogoutView answers only POST, so a link or a prefetch cannot sign anyone out.
logout_view = auth_views.LogoutView.as_view(next_page=settings.LOGIN_URL)


@login_required
@require_POST
def switch_clinic(request: HttpRequest) -> HttpResponse:
    """Work at another clinic where the user holds a role; refuse any other clinic."""
    wanted = request.POST.get("clinic", "")
    clinic = next((c for c in access.clinics_for(request.user) if str(c.uuid) == wanted), None)
    if clinic is None:
        return forbidden(request, _("A role at that clinic"))
    request.session[SESSION_CLINIC] = str(clinic.uuid)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "web:dashboard"
    return redirect(target)
