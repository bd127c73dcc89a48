"""API rate limits (issue 11: "no API rate limit"): per token, per client address, and per address
for wrong tokens; a refused call is 429 problem+json with Retry-After. The counters are in Django's
cache: local memory on one machine, Redis (REDIS_URL) shared by several app servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from genba.accounts.models import ApiToken


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def bearer(token, **extra):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["status"] == 429
    assert body["type"].endswith("/rate-limited")
    assert response["Retry-After"] in body["detail"]


@override_settings(GENBA_API_RATE_PER_TOKEN="3/m")
def test_a_token_past_its_limit_gets_429_with_retry_after(alice, bob):
    _, token = ApiToken.issue(user=alice)
    client = bearer(token)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]

    assert_throttled(client.get("/api/v1/me"))
    # Another token (from the same address) has its own count.
    _, other = ApiToken.issue(user=bob)
    assert bearer(other).get("/api/v1/me").status_code == 200


@override_settings(GENBA_API_RATE_PER_TOKEN="3/m")
def test_the_refusal_is_in_the_callers_language(alice):
    _, token = ApiToken.issue(user=alice)
    client = bearer(token, HTTP_ACCEPT_LANGUAGE="ja")
    for _ in range(3):
        client.get("/api/v1/me")
    response = client.get("/api/v1/me")
    assert_throttled(response)
    assert response.json()["title"] == "リクエストが多すぎます。"


@override_settings(GENBA_API_RATE_PER_IP="4/m")
def test_one_address_past_its_limit_gets_429_whatever_the_token(alice, bob):
    tokens = [ApiToken.issue(user=user)[1] for user in (alice, bob)]
    answers = [bearer(tokens[n % 2]).get("/api/v1/me").status_code for n in range(4)]
    assert answers == [200] * 4

    assert_throttled(bearer(tokens[0]).get("/api/v1/me"))
    assert_throttled(Client().get("/api/v1/openapi.json"))
    # Another address is counted apart.
    assert bearer(tokens[0], REMOTE_ADDR="198.51.100.7").get("/api/v1/me").status_code == 200


@override_settings(GENBA_API_AUTH_FAILURES_PER_IP="5/m")
def test_wrong_tokens_from_one_address_get_it_refused_even_with_a_good_token(alice):
    _, good = ApiToken.issue(user=alice)
    guesses = [bearer(f"gnb_guess{n}").get("/api/v1/me").status_code for n in range(5)]
    assert guesses == [401] * 5

    assert_throttled(bearer(f"gnb_guess{99}").get("/api/v1/me"))
    assert_throttled(bearer(good).get("/api/v1/me"))
    # Alice calling from her own address is not locked out by the guesser.
    assert bearer(good, REMOTE_ADDR="198.51.100.7").get("/api/v1/me").status_code == 200


@override_settings(GENBA_API_RATE_PER_IP="2/m")
def test_pages_are_not_counted_by_the_api_limits(alice):
    for _ in range(5):
        assert Client().get("/accounts/login/").status_code == 200


@override_settings(GENBA_API_RATE_PER_IP="2/m", GENBA_TRUSTED_PROXIES=1)
def test_behind_the_proxy_each_client_is_counted_by_its_forwarded_address(alice):
    _, token = ApiToken.issue(user=alice)

    def call(forwarded):
        # The proxy appends the address it saw; what the client wrote before it is not trusted.
        return bearer(token, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).get(
            "/api/v1/me"
        )

    assert call("203.0.113.5").status_code == 200
    assert call("1.1.1.1, 203.0.113.5").status_code == 200
    assert_throttled(call("9.9.9.9, 203.0.113.5"))  # a made-up left part does not help
    assert call("198.51.100.7").status_code == 200  # another client behind the same proxy


# --- Several app servers share the counters through Redis ------------------------------------


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {url} ({exc}): start redis-server (CI runs it) to check sharing")
    return url


def test_two_app_servers_share_one_count_through_redis(alice):
    url = redis_url_or_skip()
    prefix = f"genba-test-{uuid.uuid4().hex}"  # this run's keys only; they expire with the window
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    two_servers = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "server-a": {**redis_cache, "KEY_PREFIX": prefix},
        "server-b": {**redis_cache, "KEY_PREFIX": prefix},
    }
    _, token = ApiToken.issue(user=alice)
    client = bearer(token)
    with override_settings(CACHES=two_servers, GENBA_API_RATE_PER_TOKEN="4/m"):
        from django.core.cache import caches

        assert caches["server-a"] is not caches["server-b"]  # two clients, one Redis
        for server in ("server-a", "server-b", "server-a", "server-b"):
            with override_settings(RATELIMIT_USE_CACHE=server):
                assert client.get("/api/v1/me").status_code == 200
        with override_settings(RATELIMIT_USE_CACHE="server-b"):
            assert_throttled(client.get("/api/v1/me"))
    # Remove this run's keys only (never FLUSHDB: the Redis may be shared).
    import redis

    server = redis.Redis.from_url(url)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def genba_python(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    base.update({"GENBA_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "genba.settings", **env})
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], env=base, capture_output=True, text=True, timeout=60
    )


def test_redis_url_selects_redis_and_otherwise_local_memory(tmp_path):
    show = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"
    local = genba_python(show, GENBA_DATA_DIR=str(tmp_path))
    shared = genba_python(show, GENBA_DATA_DIR=str(tmp_path), REDIS_URL="redis://cache:6379/1")
    assert local.returncode == 0 and shared.returncode == 0, local.stderr + shared.stderr
    assert json.loads(local.stdout)["default"]["BACKEND"].endswith("LocMemCache")
    redis_cache = json.loads(shared.stdout)["default"]
    assert redis_cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis_cache["LOCATION"] == "redis://cache:6379/1"


def test_a_bad_rate_fails_loudly_naming_the_variable(tmp_path):
    result = genba_python("", GENBA_DATA_DIR=str(tmp_path), GENBA_API_RATE_PER_IP="lots")
    assert result.returncode != 0
    assert "GENBA_API_RATE_PER_IP='lots' is not a rate" in result.stderr
