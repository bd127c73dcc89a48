"""Django settings, all read from the environment (see docs/deploy.md for the production set)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from genba.env import data_dir, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("GENBA_DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG, directory=DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # login lockout (docs/security.md)
    "csp",  # Content-Security-Policy; its check flags settings in the pre-4.0 format
    "ninja",  # its Swagger UI files are served from here, not from a CDN
    "genba.core",
    "genba.accounts",
    "genba.contracts",
    "genba.sites",
    "genba.orders",
    "genba.dispatch",
    "genba.billing",
    "genba.messaging",
    "genba.messaging.webhooks",
    "genba.messaging.intake",
    "django_tasks",
    "django_tasks_db",
    "genba.api",
    "django_htmx",
    "genba.web",
    "genba.web.portal",
    "genba.web.console",
    "genba.web.field",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after the security headers, so every answer (static files, 429s) carries them.
    "csp.middleware.CSPMiddleware",
    "genba.web.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL in a path or query string never reaches a view (PostgreSQL cannot compare it).
    "genba.core.middleware.UnstorableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before authentication: a flood of made-up tokens costs a cache increment, not a query.
    "genba.core.ratelimit.ApiRateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "genba.web.middleware.ViewerLocaleMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "genba.api.fallbacks.ProblemMethodNotAllowedMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "genba.urls"
WSGI_APPLICATION = "genba.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database: SQLite in WAL mode by default, PostgreSQL (psycopg 3) through DATABASE_URL.
_default_db = f"sqlite:///{DATA_DIR / 'genba.sqlite3'}"
_db_url = env_str("DATABASE_URL") or _default_db
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL this build supports: {exc}"
    ) from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN,
        # which is what makes our "locked check" services safe on SQLite (no SELECT FOR UPDATE there).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})
else:
    raise ImproperlyConfigured(
        f"DATABASE_URL must be sqlite:// or postgres://, not {_db['ENGINE']}"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out (e-mail, address) pair before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Language and time: the business calendar is Japan's.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Files: static through WhiteNoise; attachments and photo IDs in private storage (never under
# a public URL: served only by views that check permission).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
GENBA_ATTACHMENT_MAX_BYTES = env_int("GENBA_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Security. Production sits behind a TLS-terminating reverse proxy (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("GENBA_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("GENBA_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GENBA_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("GENBA_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Mail (notifications arrive with the messaging issue; the demo writes files).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Genba <support@genba.example>")
# Minutes before an SLA target when the visit counts as at risk (the invoice deadline: six times it).
GENBA_SLA_WARNING_MINUTES = env_int("GENBA_SLA_WARNING_MINUTES", 60, minimum=1)

# --- Throttling (docs/security.md). Login: after GENBA_LOGIN_FAILURE_LIMIT wrong passwords for one
# e-mail address from one client address, that pair waits GENBA_LOGIN_COOLOFF_MINUTES (each further
# failure meanwhile restarts the wait). Attempts are rows in the database, so every app server sees them.
AXES_FAILURE_LIMIT = env_int("GENBA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GENBA_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = (
    True  # successful logins are not logged per row (the table would only grow)
)
AXES_USERNAME_FORM_FIELD = "username"  # the login forms' field (it holds the e-mail address)
AXES_USERNAME_CALLABLE = "genba.web.lockout.username"
AXES_CLIENT_IP_CALLABLE = "genba.core.ratelimit.client_ip"
AXES_VERBOSE = False  # no banner at every start: commands print their own one-line results
AXES_LOCKOUT_CALLABLE = "genba.web.lockout.locked_out"
# Reverse proxies in front of the app servers that append the client to X-Forwarded-For (docs/deploy.md:
# 1 behind nginx). 0: the TCP peer is the client. Lockouts and rate limits key on this address.
GENBA_TRUSTED_PROXIES = env_int("GENBA_TRUSTED_PROXIES", 0, minimum=0)

_RATE = re.compile(r"^\d+/\d*[smhd]$")


def _rate(name: str, default: str) -> str:
    """A django-ratelimit rate ("300/m", "20/10m"); empty turns that limit off."""
    value = (env_str(name, default) or "").strip()
    if value and not _RATE.match(value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: use COUNT/PERIOD, e.g. 300/m, 20/10m, 5000/h"
        )
    return value


# API (and calendar feed) calls per bearer token, per client address, and failed token checks per
# address; a refused call is 429 problem+json with Retry-After.
GENBA_API_RATE_PER_TOKEN = _rate("GENBA_API_RATE_PER_TOKEN", "300/m")
GENBA_API_RATE_PER_IP = _rate("GENBA_API_RATE_PER_IP", "600/m")
GENBA_API_AUTH_FAILURES_PER_IP = _rate("GENBA_API_AUTH_FAILURES_PER_IP", "20/10m")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # an unreachable cache lets calls through (logged), it does not 429 all

# The counters' cache: this process's memory (one app server), or Redis shared by all of them.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "genba",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Content-Security-Policy (django-csp 4 format) and Permissions-Policy. No 'unsafe-inline':
# pages load their scripts and styles from /static/ and carry no style attributes; an inline
# <script>/<style> must use nonce="{{ request.csp_nonce }}". The one exception is a hash for the
# admin change list's <style> block (tests/security/test_throttle_headers.py pins it to Django's).
ADMIN_CHANGELIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, ADMIN_CHANGELIST_STYLE_HASH],
        # data: for the SVG icons of the admin and the API docs (Swagger UI) and for signatures.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# The engineer's photo field asks for the rear camera (capture="environment"); nothing else may use
# a device sensor, a payment sheet or the location.
GENBA_PERMISSIONS_POLICY = {
    "camera": ("self",),
    "microphone": (),
    "geolocation": (),
    "payment": (),
    "usb": (),
    "serial": (),
    "bluetooth": (),
    "hid": (),
    "midi": (),
    "magnetometer": (),
    "gyroscope": (),
    "accelerometer": (),
    "display-capture": (),
    "browsing-topics": (),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GENBA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 25

# --- Background work: django-tasks with its database backend; `genba worker` runs the jobs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GENBA_SUPPORT_ADDRESS = env_str("GENBA_SUPPORT_ADDRESS", "support@genba.example")
GENBA_BASE_URL = env_str("GENBA_BASE_URL", "http://127.0.0.1:8000")
# Webhooks never go to private, loopback or link-local addresses unless this is on (tests, labs).
GENBA_WEBHOOKS_ALLOW_PRIVATE = env_bool("GENBA_WEBHOOKS_ALLOW_PRIVATE", False)
# Webhook URLs must be https:// unless this is on (development: a receiver on http://127.0.0.1).
GENBA_WEBHOOKS_ALLOW_HTTP = env_bool("GENBA_WEBHOOKS_ALLOW_HTTP", False)
# E-mail intake keeps each known customer's raw message up to this size (0: none); docs/email-intake.md
# lists the GENBA_SMTPD_* and GENBA_IMAP_* variables of `genba smtpd` and `genba fetchmail`.
GENBA_INTAKE_KEEP_RAW_BYTES = env_int("GENBA_INTAKE_KEEP_RAW_BYTES", 1024 * 1024, minimum=0)
