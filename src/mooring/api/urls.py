"""The JSON API, version 1: /api/v1/, documented at /api/v1/docs (assets served locally)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

from mooring.api import episodes, errors, patients
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


api = MooringAPI(
    title="Mooring API",
    version="1",
    description="Patients and episodes of care. Authenticate with `Authorization: Bearer "
    "<token>` (see docs/api.md) or a signed-in session with its CSRF token. Choose the clinic "
    "with the `X-Mooring-Clinic` header (a clinic uuid). Errors are "
    "application/problem+json with a stable `code`.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/patients", patients.router)
api.add_router("", episodes.router)
