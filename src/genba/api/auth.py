"""Bearer tokens (from `genba create-token EMAIL`), checked against their stored hash."""

from __future__ import annotations

from django.utils import translation
from ninja.security import HttpBearer

from genba.accounts.models import ApiToken
from genba.core.ratelimit import note_auth_failure


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is None:
            # Counted per address: past GENBA_API_AUTH_FAILURES_PER_IP the address gets 429s.
            note_auth_failure(request)
            return None
        request.user = user
        # Answer in the user's language unless the client asked for one.
        if "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user
