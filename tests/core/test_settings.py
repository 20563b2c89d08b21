"""Production settings fail loudly when a required value is missing or wrong."""

import os
import subprocess
import sys

import pytest

GOOD = {
    "MOORING_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://app@db.example.org:5432/mooring",
    "ALLOWED_HOSTS": "mooring.example.org",
    "DEBUG": "",
}


def _load_settings(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD and not k.endswith("_FILE")}
    env.update(GOOD)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", "import mooring.config.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS)"],
        env=env, capture_output=True, text=True, check=False)


def test_good_production_settings_load_with_hsts():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "short"}, "at least 40 characters"),
    ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
    ({"DATABASE_URL": "mysql://x@y/z"}, "must be a sqlite:// or postgres:// URL"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
    ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ({"DEBUG": "true"}, "DEBUG must be off in production"),
    ({"MOORING_ENV": "prod"}, "MOORING_ENV must be development, test or production"),
])
def test_a_missing_or_wrong_value_stops_start_up(overrides, message):
    result = _load_settings(**overrides)
    assert result.returncode != 0
    assert message in result.stderr
