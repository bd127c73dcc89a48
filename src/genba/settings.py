"""Django settings, all read from the environment (see docs/deploy.md for the production set)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "genba.web.middleware.ViewerLocaleMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "genba.api.fallbacks.ProblemMethodNotAllowedMiddleware",
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
