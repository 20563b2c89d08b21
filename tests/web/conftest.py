"""Page tests: uploaded photos go to a throwaway folder, and a few page helpers."""

from __future__ import annotations

import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 110, 121)).save(buffer, format="PNG")
    return buffer.getvalue()


def audit_events(**filters):
    from mooring.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(**filters).order_by("id"))
