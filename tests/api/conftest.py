"""API test helpers: a client per persona that speaks JSON with a bearer token."""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client

from mooring.api.services import api_token_create
from mooring.core.context import system_actor

PROBLEM = "application/problem+json"
_numbers = itertools.count(1)


class ApiClient:
    def __init__(self, client: Client, headers: dict[str, str]):
        self.client = client
        self.headers = headers

    def _send(self, method: str, path: str, body: object = None, **headers: str):
        kwargs = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **headers: str):
        return self._send("get", path, **headers)

    def post(self, path: str, body: object = None, **headers: str):
        return self._send("post", path, {} if body is None else body, **headers)

    def patch(self, path: str, body: object = None, **headers: str):
        return self._send("patch", path, {} if body is None else body, **headers)


@pytest.fixture
def token_for(personas):
    """Issue a token for a persona (as the server operator would) and return its secret."""

    def issue(username: str, name: str = "test script") -> str:
        issued = api_token_create(
            actor=system_actor(channel="cli"), user=personas[username], name=name
        )
        return issued.secret

    return issue


@pytest.fixture
def api_as(token_for):
    """``api_as("ada")``: a client authenticated with a fresh token of that persona."""

    def make(username: str, **headers: str) -> ApiClient:
        secret = token_for(username, name=f"test client {next(_numbers)}")
        return ApiClient(Client(), {"Authorization": f"Bearer {secret}", **headers})

    return make


@pytest.fixture
def anonymous():
    return ApiClient(Client(), {})


def assert_problem(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    assert "detail" in body
    assert isinstance(body["errors"], list)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body["errors"]
    return body
