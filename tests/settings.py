"""Settings for the test suite: the real settings, with a throwaway data dir and a non-secret key.

Set here (not in a conftest) because pytest-django loads settings before any conftest runs.
"""

import os
import tempfile

os.environ.setdefault("GENBA_DATA_DIR", tempfile.mkdtemp(prefix="genba-test-"))
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 40)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from genba.settings import *  # noqa: E402,F403

# Fast hashing: tests create many users; the production hasher is unchanged.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The test client speaks plain HTTP; the redirect to HTTPS is tested on its own with the check.
SECURE_SSL_REDIRECT = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# On SQLite, tests use a file (not memory) so that concurrency tests can open a second connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# The API limits stay on, high enough that no ordinary test (nor the fuzzing run, all from
# 127.0.0.1 in one process) meets them; tests/security/test_throttle_api.py sets tiny ones.
# The login lockout (django-axes) keeps its real limits: tests sign in through the form or use
# force_login, which axes does not count.
GENBA_API_RATE_PER_TOKEN = "1000000/m"
GENBA_API_RATE_PER_IP = "1000000/m"
GENBA_API_AUTH_FAILURES_PER_IP = "1000000/m"
