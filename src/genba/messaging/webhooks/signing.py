"""Standard Webhooks signatures (https://www.standardwebhooks.com), written here: it is Genba's own
wire format, and the reference library (`standardwebhooks`) is only used by the tests to check it.

    signed content  = f"{msg_id}.{timestamp}.{body}"        (timestamp: integer Unix seconds)
    signature       = base64(HMAC-SHA256(key, signed content))
    key             = base64-decoded secret after the "whsec_" prefix
    header          = "v1,<signature>"; several space-separated while a rotated secret is still valid
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key: the bytes the secret's base64 part encodes."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with 'whsec_'")
    key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of the body exactly as sent (bytes, not re-serialised)."""
    content = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secrets_: list[str], *, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret (current first)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(
            signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_
        ),
    }
