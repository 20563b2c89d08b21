"""Walk every page and every API operation as every persona and as nobody.

Each route must be listed in WEB or API below with the capability it needs and where that
capability is checked (the persona's current clinic, or the patient's clinic). A new route
without an entry fails ``test_every_route_has_an_expectation``; a route whose view forgets its
check fails the walk, because a persona without the capability would get a 2xx.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mooring.accounts import access
from mooring.accounts.capabilities import Capability as C
from mooring.api.urls import api
from mooring.core.context import system_actor
from tests.conftest import PERSONAS
from tests.inventory.conftest import bottle, methadone_product, receive  # noqa: F401

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in staff member


# Giving a medicine: a nurse (DISPENSE) or a prescriber (PRESCRIBE); either is enough.
GIVE = (C.DISPENSE, C.PRESCRIBE)


@dataclass(frozen=True)
class Rule:
    need: C | str | tuple[C, ...]  # a tuple: any one of these capabilities
    # "clinic": the persona's current clinic; "patient": the clinic of the Harbor patient or
    # Harbor object (bottle, count) the route is about.
    scope: str = "clinic"
    post_only: bool = False


WEB = {
    "web:login": Rule(PUBLIC),
    "web:logout": Rule(SIGNED_IN, post_only=True),
    "web:switch_clinic": Rule(SIGNED_IN, post_only=True),
    "web:dashboard": Rule(C.VIEW_DASHBOARD),
    "web:patient_list": Rule(C.SEARCH_PATIENTS),
    "web:patient_search": Rule(C.SEARCH_PATIENTS),
    "web:patient_register": Rule(C.REGISTER_PATIENT),
    "web:patient_chart": Rule(C.VIEW_DEMOGRAPHICS, "patient"),
    "web:patient_photo": Rule(C.VIEW_DEMOGRAPHICS, "patient"),
    "web:patient_edit": Rule(C.REGISTER_PATIENT, "patient"),
    "web:patient_admit": Rule(C.MANAGE_EPISODES, "patient"),
    "web:patient_discharge": Rule(C.MANAGE_EPISODES, "patient"),
    "web:patient_pregnancy": Rule(C.RECORD_PREGNANCY, "patient"),
    # Injections, withdrawal medicines, naloxone: read with VIEW_CLINICAL, give with either.
    "web:injection_list": Rule(C.VIEW_CLINICAL),
    "web:patient_injections": Rule(C.VIEW_CLINICAL, "patient"),
    "web:injection_give": Rule(GIVE, "patient", post_only=True),
    "web:patient_withdrawal": Rule(C.VIEW_CLINICAL, "patient"),
    "web:withdrawal_dose_give": Rule(GIVE, "patient", post_only=True),
    "web:impairment_record": Rule(C.PRESCRIBE, "patient", post_only=True),
    "web:withdrawal_settings": Rule(C.VIEW_CLINICAL),
    "web:patient_naloxone": Rule(C.VIEW_CLINICAL, "patient"),
    "web:naloxone_kit_give": Rule(GIVE, "patient", post_only=True),
    "web:naloxone_offer_record": Rule(GIVE, "patient", post_only=True),
    # Take-homes: nurses issue, print, check in and record recalls; prescribers assess,
    # recall and acknowledge; the worklist is for either, the report for stock or dosing staff.
    "web:takehome_issue": Rule(C.DISPENSE, "patient"),
    "web:takehome_returns": Rule(C.DISPENSE, "patient"),
    "web:takehome_labels": Rule(C.DISPENSE),
    "web:takehome_worklist": Rule((C.DISPENSE, C.PRESCRIBE)),
    "web:takehome_recall_record": Rule(C.DISPENSE),
    "web:takehome_concern_acknowledge": Rule(C.PRESCRIBE, post_only=True),
    "web:takehome_recall": Rule(C.PRESCRIBE, "patient"),
    "web:takehome_assessment": Rule(C.VIEW_CLINICAL, "patient"),
    "web:takehome_report": Rule((C.MANAGE_INVENTORY, C.DISPENSE)),
    # Staff management: administrators, at the clinics where they manage staff.
    "web:staff_list": Rule(C.MANAGE_STAFF),
    "web:staff_create": Rule(C.MANAGE_STAFF),
    "web:staff_detail": Rule(C.MANAGE_STAFF),
    "web:staff_role_grant": Rule(C.MANAGE_STAFF, post_only=True),
    "web:staff_role_revoke": Rule(C.MANAGE_STAFF, post_only=True),
    "web:staff_deactivate": Rule(C.MANAGE_STAFF, post_only=True),
    "web:staff_reactivate": Rule(C.MANAGE_STAFF, post_only=True),
    "web:staff_password": Rule(C.MANAGE_STAFF, post_only=True),
    "web:audit_report": Rule(C.VIEW_AUDIT),
    "web:audit_export": Rule(C.VIEW_AUDIT),
    "web:dosing_queue": Rule(C.DISPENSE),
    "web:dosing_dispense": Rule(C.DISPENSE, "patient"),
    "web:dosing_sedation": Rule(C.DISPENSE, "patient", post_only=True),
    # Guest dosing: the home clinic's nurses and prescribers arrange; either may cancel.
    "web:guest_dosing": Rule(GIVE, "patient"),
    "web:guest_dosing_cancel": Rule(GIVE, "patient", post_only=True),
    "web:patient_medication": Rule(C.VIEW_CLINICAL, "patient"),
    "web:order_new": Rule(C.PRESCRIBE, "patient"),
    "web:order_sign": Rule(C.PRESCRIBE, "patient"),
    "web:order_change": Rule(C.PRESCRIBE, "patient"),
    "web:order_end": Rule(C.PRESCRIBE, "patient"),
    "web:medication_qtc": Rule(C.PRESCRIBE, "patient"),
    "web:medication_hold": Rule(C.PRESCRIBE, "patient"),
    "web:medication_hold_release": Rule(C.PRESCRIBE, "patient"),
    "web:medication_review": Rule(C.PRESCRIBE, "patient"),
    "web:medication_flag_acknowledge": Rule(C.PRESCRIBE, "patient"),
    "web:inventory_home": Rule(C.MANAGE_INVENTORY),
    "web:inventory_receive": Rule(C.MANAGE_INVENTORY),
    "web:inventory_bottle": Rule(C.MANAGE_INVENTORY),
    "web:inventory_remove": Rule(C.MANAGE_INVENTORY),
    "web:inventory_adjust": Rule(C.MANAGE_INVENTORY),
    "web:inventory_transfer": Rule(C.MANAGE_INVENTORY),
    "web:inventory_quarantine": Rule(C.MANAGE_INVENTORY),
    "web:inventory_count": Rule(C.MANAGE_INVENTORY),
    "web:inventory_reverse": Rule(C.MANAGE_INVENTORY),
    "web:inventory_reconciliation": Rule(C.MANAGE_INVENTORY),
    "web:inventory_close": Rule(C.CLOSE_RECONCILIATION),
    "web:inventory_dispensing_log": Rule(C.MANAGE_INVENTORY),
}

API = {
    ("GET", "/api/v1/patients"): Rule(C.SEARCH_PATIENTS),
    ("POST", "/api/v1/patients"): Rule(C.REGISTER_PATIENT),
    ("GET", "/api/v1/patients/{patient_uuid}"): Rule(C.VIEW_DEMOGRAPHICS, "patient"),
    ("PATCH", "/api/v1/patients/{patient_uuid}"): Rule(C.REGISTER_PATIENT, "patient"),
    ("GET", "/api/v1/patients/{patient_uuid}/episodes"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/episodes"): Rule(C.MANAGE_EPISODES, "patient"),
    ("POST", "/api/v1/episodes/{episode_uuid}/discharge"): Rule(C.MANAGE_EPISODES, "patient"),
    ("GET", "/api/v1/patients/{patient_uuid}/orders"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/orders"): Rule(C.PRESCRIBE, "patient"),
    ("GET", "/api/v1/orders/{order_uuid}"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/orders/{order_uuid}/sign"): Rule(C.PRESCRIBE, "patient"),
    ("POST", "/api/v1/orders/{order_uuid}/change"): Rule(C.PRESCRIBE, "patient"),
    ("POST", "/api/v1/orders/{order_uuid}/end"): Rule(C.PRESCRIBE, "patient"),
    ("GET", "/api/v1/patients/{patient_uuid}/doses"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/orders/{order_uuid}/doses"): Rule(C.DISPENSE, "patient"),
    ("GET", "/api/v1/queue"): Rule(GIVE),
    ("GET", "/api/v1/inventory/products"): Rule(C.MANAGE_INVENTORY),
    ("GET", "/api/v1/inventory/bottles"): Rule(C.MANAGE_INVENTORY),
    ("GET", "/api/v1/inventory/bottles/{bottle_uuid}/ledger"): Rule(C.MANAGE_INVENTORY, "patient"),
    ("GET", "/api/v1/inventory/counts"): Rule(C.MANAGE_INVENTORY),
    ("POST", "/api/v1/inventory/receipts"): Rule(C.MANAGE_INVENTORY),
    ("POST", "/api/v1/inventory/bottles/{bottle_uuid}/counts"): Rule(C.MANAGE_INVENTORY, "patient"),
    ("POST", "/api/v1/inventory/counts/{count_uuid}/close"): Rule(C.CLOSE_RECONCILIATION, "patient"),
    # Injections, withdrawal medicines and naloxone: reading needs clinical detail; giving
    # needs DISPENSE or PRESCRIBE (GIVE), the impairment grades a prescriber.
    ("GET", "/api/v1/patients/{patient_uuid}/injections"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/injections"): Rule(GIVE, "patient"),
    ("GET", "/api/v1/injections/due"): Rule(C.VIEW_CLINICAL),
    ("GET", "/api/v1/patients/{patient_uuid}/withdrawal"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/withdrawal/doses"): Rule(GIVE, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/impairment"): Rule(C.PRESCRIBE, "patient"),
    ("GET", "/api/v1/patients/{patient_uuid}/naloxone"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/naloxone/kits"): Rule(GIVE, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/naloxone/offers"): Rule(GIVE, "patient"),
    # Take-homes: nurses hand over, print, check in and record recalls; prescribers assess
    # and recall; anyone clinical reads a person's take-homes; the worklist is for either.
    ("GET", "/api/v1/patients/{patient_uuid}/takehomes"): Rule(C.VIEW_CLINICAL, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/takehomes/assessments"): Rule(C.PRESCRIBE, "patient"),
    ("POST", "/api/v1/orders/{order_uuid}/takehomes"): Rule(C.DISPENSE, "patient"),
    ("GET", "/api/v1/takehomes/labels"): Rule(C.DISPENSE),
    ("POST", "/api/v1/takehomes/bottles/{bottle_uuid}/return"): Rule(C.DISPENSE, "patient"),
    ("POST", "/api/v1/patients/{patient_uuid}/takehomes/recalls"): Rule(C.PRESCRIBE, "patient"),
    ("POST", "/api/v1/takehomes/recalls/{recall_uuid}/outcome"): Rule(C.DISPENSE, "patient"),
    ("GET", "/api/v1/takehomes/worklist"): Rule((C.DISPENSE, C.PRESCRIBE)),
    ("POST", "/api/v1/takehomes/concerns/{concern_uuid}/acknowledge"): Rule(C.PRESCRIBE, "patient"),
}

# Routes that are not views of ours (the admin is tested in tests/core/test_security.py).
SKIPPED_WEB = {"api:openapi-json", "api:openapi-view", "api:api-root", "api:docs_redirect"}


def _web_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _web_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern


def _api_operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method.upper(), path


def test_every_route_has_an_expectation():
    missing = sorted(name for name, _ in _web_routes()
                     if name not in WEB and name not in SKIPPED_WEB and not name.startswith("api:"))
    assert not missing, f"add these page routes to WEB with their capability: {missing}"
    missing_api = sorted(f"{m} {p}" for m, p in _api_operations() if (m, p) not in API)
    assert not missing_api, f"add these API operations to API with their capability: {missing_api}"


@pytest.fixture
def world(make_patient, personas, actor_for, harbor, bottle):  # noqa: F811
    """One Harbor patient with an episode, a signed methadone order, a stock bottle and an
    open count, so routes that take those ids reach real objects."""
    from decimal import Decimal

    from mooring.core.time import today_at
    from mooring.inventory.services import reconciliation_count
    from mooring.medications.services import OrderDraft, order_draft, order_sign
    from mooring.takehomes.services.returns import raise_concern

    patient = make_patient("Walker", "Harbor")
    ada = actor_for(personas["ada"])
    order = order_sign(actor=ada, order=order_draft(actor=ada, patient=patient, data=OrderDraft(
        medication="methadone", form="oral_liquid", phase="induction",
        daily_dose_mg=Decimal("30"), split=1, start_date=today_at(harbor.tz))))
    count = reconciliation_count(actor=actor_for(personas["ben"]), bottle=bottle,
                                 counted_ml=Decimal("990"), comment="walk: a spill to review")
    concern = raise_concern(actor_for(personas["ben"]), harbor, patient, "not_returned",
                            "walk: a bottle not returned")
    return {"patient_uuid": patient.uuid, "episode_uuid": patient.episodes.get().uuid,
            "order_uuid": order.uuid, "bottle_uuid": bottle.uuid, "count_uuid": count.uuid,
            "user_uuid": personas["ben"].uuid, "concern_uuid": concern.uuid}


def _url_for(name, pattern, world):
    kwargs = {}
    for converter_name in pattern.pattern.converters:
        kwargs[converter_name] = world.get(converter_name, uuid.uuid4())
    return reverse(name, kwargs=kwargs)


def _allowed(user, rule: Rule, clinics) -> bool:
    if rule.need in (PUBLIC, SIGNED_IN):
        return True
    needs = rule.need if isinstance(rule.need, tuple) else (rule.need,)
    if rule.scope == "patient":
        return any(access.can(user, need, clinics["harbor"].id) for need in needs)
    mine = access.clinics_for(user)
    return bool(mine) and any(access.can(user, need, mine[0].id) for need in needs)


def _web_request(client, url, rule: Rule):
    return client.post(url) if rule.post_only else client.get(url)


def test_nobody_signed_in_is_sent_to_sign_in_for_every_page(client, world):
    for name, pattern in _web_routes():
        rule = WEB.get(name)
        if rule is None or rule.need == PUBLIC:
            continue
        response = _web_request(client, _url_for(name, pattern, world), rule)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("web:login")), name


@pytest.mark.parametrize("username", sorted(PERSONAS))
def test_every_page_answers_each_persona_as_the_capability_map_says(client, personas, clinics,
                                                                  world, username):
    user = personas[username]
    for name, pattern in _web_routes():
        rule = WEB.get(name)
        if rule is None or rule.need == SIGNED_IN:  # sign-out and clinic switch need a body
            continue
        client.force_login(user)
        response = _web_request(client, _url_for(name, pattern, world), rule)
        status = response.status_code
        assert status < 500, f"{username} {name}: {status}"
        if _allowed(user, rule, clinics):
            assert status not in (401, 403), f"{username} should reach {name}, got {status}"
        else:
            assert status in (403, 404), f"{username} must not reach {name}, got {status}"


# Query strings an operation needs before it looks at the caller's role.
API_QUERY = {("GET", "/api/v1/patients"): "?q=walker"}


def _api_url(path, world, method="GET"):
    return path.format_map(_AnyUuid(world)) + API_QUERY.get((method, path), "")


class _AnyUuid(dict):
    """Known ids from the world; a random (so missing) uuid for any other parameter."""

    def __missing__(self, key):
        return uuid.uuid4()


def _token_for(user):
    from mooring.api.services import api_token_create

    return api_token_create(actor=system_actor(channel="cli"), user=user, name="walk").secret


def _api_call(client, method, url, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(method, url, data="{}", content_type="application/json", **headers)


def test_nobody_signed_in_gets_401_from_every_api_operation(client, world):
    for method, path in _api_operations():
        response = _api_call(client, method, _api_url(path, world, method))
        assert response.status_code == 401, f"{method} {path}"
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("username", sorted(PERSONAS))
def test_every_api_operation_answers_each_persona_as_the_capability_map_says(
        client, personas, clinics, world, username):
    user = personas[username]
    token = _token_for(user)
    for method, path in _api_operations():
        rule = API[(method, path)]
        response = _api_call(client, method, _api_url(path, world, method), token)
        status = response.status_code
        assert status < 500, f"{username} {method} {path}: {status}"
        if _allowed(user, rule, clinics):
            assert status not in (401, 403, 404), f"{username} should reach {method} {path}"
        elif method == "GET":
            assert status in (403, 404), f"{username} must not read {method} {path}: {status}"
        else:
            # An empty body may be refused as invalid before the role is looked at; what
            # matters is that nothing is written.
            assert status in (403, 404, 422), f"{username} must not write {method} {path}"
