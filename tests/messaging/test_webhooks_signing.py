"""Genba's Standard Webhooks signatures, checked with the spec's reference library."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from genba.messaging.webhooks import signing

BODY = json.dumps({"type": "request.submitted", "data": {"request": "req_1"}}).encode()


def _headers(secret=None, *, msg_id="msg_2kqz8r4", timestamp=None, body=BODY, secrets=None):
    return signing.headers(
        secrets or [secret],
        msg_id=msg_id,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        body=body,
    )


def test_a_new_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.new_secret() != secret


def test_the_reference_library_verifies_genbas_signature():
    secret = signing.new_secret()
    assert Webhook(secret).verify(BODY, _headers(secret)) == json.loads(BODY)


def test_the_signature_matches_the_reference_librarys_own():
    secret = signing.new_secret()
    stamp = 1_798_000_000
    expected = Webhook(secret).sign("msg_x", datetime.fromtimestamp(stamp, tz=UTC), BODY.decode())
    assert signing.signature(secret, msg_id="msg_x", timestamp=stamp, body=BODY) == expected


def test_an_altered_body_fails():
    secret = signing.new_secret()
    headers = _headers(secret)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"req_1", b"req_2"), headers)


def test_an_altered_timestamp_fails():
    secret = signing.new_secret()
    headers = _headers(secret)
    headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers)


def test_an_altered_message_id_fails():
    secret = signing.new_secret()
    headers = _headers(secret)
    headers["webhook-id"] = "msg_other"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers)


def test_another_secret_fails():
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, _headers(signing.new_secret()))


def test_an_old_timestamp_is_refused_by_the_receiver():
    secret = signing.new_secret()
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, _headers(secret, timestamp=int(time.time()) - 3600))


def test_during_a_rotation_both_secrets_verify():
    old, new = signing.new_secret(), signing.new_secret()
    headers = _headers(secrets=[new, old])
    assert headers["webhook-signature"].count("v1,") == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)


def test_non_ascii_bodies_are_signed_as_sent():
    secret = signing.new_secret()
    body = json.dumps({"reference": "発注-42"}, ensure_ascii=False).encode()
    assert Webhook(secret).verify(body, _headers(secret, body=body)) == {"reference": "発注-42"}


@pytest.mark.parametrize("bad", ["", "secret", "whsec_", "whsec_not base64!"])
def test_a_malformed_secret_is_refused(bad):
    with pytest.raises(ValueError):
        signing.secret_key(bad)
