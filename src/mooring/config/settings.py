"""Mooring settings, read from the environment.

``MOORING_ENV`` is ``development`` (default: SQLite under ``var/``, a generated secret key),
``test`` or ``production``. Production refuses to start without ``SECRET_KEY``,
``DATABASE_URL`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from mooring.config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env_str("MOORING_VAR_DIR", str(BASE_DIR / "var")))

MOORING_ENV = env_str("MOORING_ENV", "development")
if MOORING_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfiguredEnv(f"MOORING_ENV must be development, test or production, not {MOORING_ENV!r}")
PRODUCTION = MOORING_ENV == "production"
DEBUG = env_bool("DEBUG", default=MOORING_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfiguredEnv("DEBUG must be off in production")


def _dev_secret_key() -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 40:
        raise ImproperlyConfiguredEnv("SECRET_KEY must be at least 40 characters")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
    _database_url = env_str("DATABASE_URL", required=True)
else:
    SECRET_KEY = env_str("SECRET_KEY") or (
        "test-only-secret-key-not-for-production-use-000000" if MOORING_ENV == "test"
        else _dev_secret_key()
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    _database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mooring.sqlite3'}")

DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
# Several test runs may share one PostgreSQL server; each names its own test database.
DATABASES["default"]["TEST"] = {"NAME": env_str("MOORING_TEST_DB_NAME") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not _database_url.endswith(":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the dosing window read while a write commits; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfiguredEnv("DATABASE_URL must be a sqlite:// or postgres:// URL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' swagger files from its package, not from a CDN
    "mooring.core",
    "mooring.audit",
    "mooring.accounts",
    "mooring.patients",
    "mooring.inventory",
    "mooring.medications",
    "mooring.injections",
    "mooring.withdrawal",
    "mooring.naloxone",
    "mooring.takehomes",
    "mooring.web",
    "mooring.api",
    "mooring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mooring.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mooring.web.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mooring.config.urls"
WSGI_APPLICATION = "mooring.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mooring.web.context.staff_context",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MOORING_ENV == "test":
    # Fast hashing in tests only; argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("MOORING_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("MOORING_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_ENABLED = env_bool("MOORING_AXES_ENABLED", True)

# Sessions: idle time-out sends the user back to the login page.
MOORING_IDLE_TIMEOUT_MINUTES = env_int("MOORING_IDLE_TIMEOUT_MINUTES", 15)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "src" / "mooring" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = Path(env_str("MOORING_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # patient photos are served only through an audited view
# A folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf for take-home labels, when the
# system's fonts are elsewhere (mooring.takehomes.labels looks in the usual places first).
MOORING_LABEL_FONT_DIR = env_str("MOORING_LABEL_FONT_DIR", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if MOORING_ENV == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

MOORING_PROGRAM_NAME = env_str("MOORING_PROGRAM_NAME", "Mooring")

# Audit events are sealed into the hash chain after their transaction commits (ADR 0004).
# Each process tries at most once per this many seconds, right after an audited commit;
# 0 seals after every commit. `mooring audit seal --watch` is the timer that does not
# depend on traffic (docs/deploy.md).
MOORING_AUDIT_SEAL_INTERVAL = env_int("MOORING_AUDIT_SEAL_INTERVAL", 1)
if MOORING_AUDIT_SEAL_INTERVAL < 0:
    raise ImproperlyConfiguredEnv("MOORING_AUDIT_SEAL_INTERVAL must be 0 or more seconds")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}
