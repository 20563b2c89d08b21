"""Staff pages for administrators: the staff list, a new account, and one person's page.

Every change goes through the audited accounts services (``staff_member_create``,
``staff_role_grant``/``staff_role_revoke``, ``staff_profile_update``, ``staff_password_reset``,
``staff_user_deactivate``/``staff_user_reactivate``); they decide who may do what and refuse
the moves that would lock someone out. This module parses, calls one service and shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability, Role
from mooring.accounts.models import User
from mooring.accounts.services import (
    staff_member_create,
    staff_password_reset,
    staff_profile_update,
    staff_role_grant,
    staff_role_revoke,
    staff_user_deactivate,
    staff_user_reactivate,
)
from mooring.core.errors import CapabilityDenied, DomainError
from mooring.web.access import actor_from, forbidden
from mooring.web.forms_staff import (
    DeactivateForm,
    GrantForm,
    PasswordResetForm,
    ProfileForm,
    RevokeForm,
    StaffCreateForm,
    StaffFilterForm,
)
from mooring.web.selectors_staff import (
    MemberPage,
    StaffFilter,
    managed_clinics,
    member_for,
    member_page,
    staff_members,
    staff_rows,
)
from mooring.web.views.common import add_domain_errors, posted, staff_view

PAGE_SIZE = 100


@staff_view(Capability.MANAGE_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    """Everyone the administrator manages, with their roles per clinic; filter and page."""
    form = StaffFilterForm(request.GET, clinics=managed_clinics(request.user))
    page = rows = None
    if form.is_valid():
        data = form.cleaned_data
        query = StaffFilter(clinic=form.chosen_clinic(), role=data["role"], status=data["status"])
        page = Paginator(staff_members(request.user, query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = staff_rows(request.user, list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/staff/list.html",
        {"form": form, "page": page, "rows": rows, "params": params.urlencode()},
        status=200 if page is not None else 422,
    )


@staff_view(Capability.MANAGE_STAFF)
def staff_create(request: HttpRequest) -> HttpResponse:
    """A new account with its first roles at the administrator's clinics."""
    form = StaffCreateForm(posted(request), clinics=managed_clinics(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_member_create(
                actor=actor_from(request),
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                credentials=data["credentials"],
                roles=form.roles(),
            )
        except CapabilityDenied as denied:
            return forbidden(request, denied.message)
        except DomainError as error:
            form.add_problems(error)
        else:
            messages.success(
                request,
                _("%(name)s can now sign in as %(username)s.")
                % {"name": user.label, "username": user.username},
            )
            return redirect("web:staff_detail", user_uuid=user.uuid)
    return render(request, "web/staff/new.html", {"form": form}, status=422 if form.errors else 200)


def _render(
    request: HttpRequest,
    page: MemberPage,
    *,
    problem: str = "",
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    user = page.user
    forms = {
        "profile": ProfileForm(
            initial={"display_name": user.display_name, "credentials": user.credentials}
        ),
        "grant": GrantForm(clinics=page.managed_clinics),
        "password": PasswordResetForm(),
        "deactivate": DeactivateForm(),
        **bound,
    }
    if any(form.errors for form in bound.values()):
        status = max(status, 422)
    return render(
        request,
        "web/staff/detail.html",
        {"page": page, "member": user, "problem": problem, **forms},
        status=status,
    )


@staff_view(Capability.MANAGE_STAFF)
def staff_detail(request: HttpRequest, user_uuid: object) -> HttpResponse:
    """One person: profile (POST changes it), roles per clinic, sign-in and history."""
    page = member_page(request.user, member_for(request.user, user_uuid))
    if request.method != "POST":
        return _render(request, page)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            staff_profile_update(actor=actor_from(request), user=page.user, **form.cleaned_data)
        except CapabilityDenied as denied:
            return forbidden(request, denied.message)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("web:staff_detail", user_uuid=page.user.uuid)
    return _render(request, page, profile=form)


def _member_action(
    handle: Callable[[HttpRequest, MemberPage], HttpResponse | str],
) -> Callable[..., HttpResponse]:
    """A POST from one person's page: GET goes back to it; refusals are explained there.

    ``handle`` returns a response (a form to show again) or the success message.
    """

    def view(request: HttpRequest, user_uuid: object) -> HttpResponse:
        page = member_page(request.user, member_for(request.user, user_uuid))
        if request.method != "POST":
            return redirect("web:staff_detail", user_uuid=page.user.uuid)
        try:
            outcome = handle(request, page)
        except CapabilityDenied as denied:
            return forbidden(request, denied.message)
        except DomainError as error:
            return _render(request, page, problem=error.message, status=error.status)
        if isinstance(outcome, HttpResponse):
            return outcome
        messages.success(request, outcome)
        return redirect("web:staff_detail", user_uuid=page.user.uuid)

    view.__name__ = handle.__name__
    view.__doc__ = handle.__doc__
    return staff_view(Capability.MANAGE_STAFF)(view)


def _role_label(role: str) -> str:
    return str(Role(role).label)


@_member_action
def staff_role_grant_view(request: HttpRequest, page: MemberPage) -> HttpResponse | str:
    """Grant a role at a clinic where the administrator manages staff."""
    form = GrantForm(request.POST, clinics=page.managed_clinics)
    if not form.is_valid():
        return _render(request, page, grant=form)
    clinic, role = form.chosen_clinic(), form.cleaned_data["role"]
    if any(r.role == role for entry in page.clinics if entry.clinic == clinic for r in entry.roles):
        form.add_error(
            "role", _("%(name)s already holds this role there.") % {"name": page.user.label}
        )
        return _render(request, page, grant=form)
    try:
        staff_role_grant(actor=actor_from(request), user=page.user, clinic=clinic, role=role)
    except CapabilityDenied:
        raise
    except DomainError as error:
        add_domain_errors(form, error)
        return _render(request, page, grant=form)
    return _("%(name)s is now %(role)s at %(clinic)s.") % {
        "name": page.user.label,
        "role": _role_label(role),
        "clinic": clinic.name,
    }


@_member_action
def staff_role_revoke_view(request: HttpRequest, page: MemberPage) -> HttpResponse | str:
    """Take one role at one clinic away (not one's own last administrator role)."""
    form = RevokeForm(request.POST, clinics=page.managed_clinics)
    if not form.is_valid():
        return _render(
            request,
            page,
            problem=_("Choose a known role at a clinic where you manage staff."),
            status=422,
        )
    clinic, role = form.chosen_clinic(), form.cleaned_data["role"]
    staff_role_revoke(actor=actor_from(request), user=page.user, clinic=clinic, role=role)
    return _("%(name)s is no longer %(role)s at %(clinic)s.") % {
        "name": page.user.label,
        "role": _role_label(role),
        "clinic": clinic.name,
    }


@_member_action
def staff_deactivate(request: HttpRequest, page: MemberPage) -> HttpResponse | str:
    """Stop the person signing in, with the reason (never oneself)."""
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        return _render(request, page, deactivate=form)
    try:
        staff_user_deactivate(
            actor=actor_from(request), user=page.user, reason=form.cleaned_data["reason"]
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        if error.field is None:
            raise
        add_domain_errors(form, error)
        return _render(request, page, deactivate=form)
    return _("%(name)s can no longer sign in.") % {"name": page.user.label}


@_member_action
def staff_reactivate(request: HttpRequest, page: MemberPage) -> HttpResponse | str:
    """Let the person sign in again with the roles they hold."""
    staff_user_reactivate(actor=actor_from(request), user=page.user)
    return _("%(name)s can sign in again.") % {"name": page.user.label}


@_member_action
def staff_password(request: HttpRequest, page: MemberPage) -> HttpResponse | str:
    """Set a new password; the person's other sessions end."""
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        return _render(request, page, password=form)
    user: User = page.user
    try:
        staff_password_reset(
            actor=actor_from(request), user=user, password=form.cleaned_data["password"]
        )
    except CapabilityDenied:
        raise
    except DomainError as error:
        add_domain_errors(form, error)
        return _render(request, page, password=form)
    if user.pk == request.user.pk:
        update_session_auth_hash(request, user)  # keep this session; end the others
    return _("The password for %(name)s has been changed. Tell them in person or by phone.") % {
        "name": user.label
    }
