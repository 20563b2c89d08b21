"""Who seals, and when: after commit (rate-limited, never failing the request), the command."""

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from mooring import cli
from mooring.audit import services
from mooring.audit.models import AuditPending, AuditSeal
from mooring.audit.services import verify_chain
from tests.audit.conftest import make_events

pytestmark = pytest.mark.django_db


def _committed_events(capture, n):
    """Record ``n`` events and run what the commit would run after them."""
    with capture(execute=True):
        return make_events(n)


def test_the_commit_seals_what_is_waiting(django_capture_on_commit_callbacks, settings):
    settings.MOORING_AUDIT_SEAL_INTERVAL = 1
    events = _committed_events(django_capture_on_commit_callbacks, 3)
    assert list(AuditSeal.objects.values_list("event_id", flat=True)) == [e.pk for e in events]
    assert not AuditPending.objects.exists()


def test_a_process_seals_at_most_once_per_interval(django_capture_on_commit_callbacks, settings):
    settings.MOORING_AUDIT_SEAL_INTERVAL = 3600
    _committed_events(django_capture_on_commit_callbacks, 1)
    later = _committed_events(django_capture_on_commit_callbacks, 2)
    # The second commit came within the interval: its events wait for the next attempt.
    assert set(AuditPending.objects.values_list("event_id", flat=True)) == {e.pk for e in later}
    assert verify_chain() is None
    settings.MOORING_AUDIT_SEAL_INTERVAL = 0  # 0 = after every commit
    _committed_events(django_capture_on_commit_callbacks, 1)
    assert not AuditPending.objects.exists()
    assert AuditSeal.objects.count() == 4


def test_a_failing_sealer_does_not_fail_the_committed_request(
    django_capture_on_commit_callbacks, settings, monkeypatch, caplog
):
    settings.MOORING_AUDIT_SEAL_INTERVAL = 0

    def broken(*, wait):
        raise DatabaseError("the sealer's connection dropped")

    monkeypatch.setattr(services, "_seal_batch", broken)
    with caplog.at_level(logging.ERROR, logger="mooring.audit.services"):
        events = _committed_events(django_capture_on_commit_callbacks, 2)
    assert "Sealing the audit chain failed" in caplog.text
    assert set(AuditPending.objects.values_list("event_id", flat=True)) == {e.pk for e in events}
    monkeypatch.undo()
    assert services.seal_pending(wait=True) == 2  # the next attempt seals them
    assert verify_chain() is None


def test_the_seal_command_seals_everything_waiting(capsys):
    make_events(3)
    call_command("audit_seal")
    assert "Sealed 3 audit events." in capsys.readouterr().out
    assert AuditSeal.objects.count() == 3


def test_the_seal_command_watches_until_stopped(monkeypatch, capsys):
    make_events(2)
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt
        make_events(1)

    monkeypatch.setattr("mooring.audit.management.commands.audit_seal.time.sleep", sleep)
    call_command("audit_seal", "--watch", "0.5")
    assert naps == [0.5, 0.5]
    assert capsys.readouterr().out.splitlines() == ["Sealed 2 audit events.",
                                                    "Sealed 1 audit events."]
    assert verify_chain() is None
    assert not AuditPending.objects.exists()


def test_the_seal_command_keeps_watching_after_a_database_error(monkeypatch, capsys):
    calls = []

    def flaky(*, wait):
        calls.append(wait)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection")
        raise KeyboardInterrupt

    monkeypatch.setattr("mooring.audit.management.commands.audit_seal.seal_pending", flaky)
    monkeypatch.setattr("mooring.audit.management.commands.audit_seal.time.sleep", lambda s: None)
    call_command("audit_seal", "--watch", "1")
    assert "Sealing failed, will retry: server closed the connection" in capsys.readouterr().err
    assert len(calls) == 2


def test_the_seal_command_refuses_a_watch_of_no_time():
    with pytest.raises(CommandError, match="greater than 0"):
        call_command("audit_seal", "--watch", "0")


def test_the_mooring_command_seals_and_verifies(capsys):
    make_events(2)
    cli.main(["audit", "verify", "--no-seal"])
    assert "0 events verified, 2 waiting" in capsys.readouterr().out
    cli.main(["audit", "seal"])
    assert "Sealed 2 audit events." in capsys.readouterr().out
    cli.main(["audit", "verify"])
    assert "2 events verified, 0 waiting" in capsys.readouterr().out
