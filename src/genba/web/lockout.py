"""Login lockout (django-axes): who counts as the same account, and what a locked-out visitor sees.

After `GENBA_LOGIN_FAILURE_LIMIT` wrong passwords for one e-mail address from one client address,
that pair is refused for `GENBA_LOGIN_COOLOFF_MINUTES`, even with the right password; the page
says so in the visitor's language and answers 429 with Retry-After. Other addresses, and other
accounts from the same address, are not affected (a stranger cannot lock a user out everywhere).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import render
from django.utils.translation import gettext as _


def username(request, credentials) -> str:
    """The e-mail address as stored (lower case, no spaces), so 'Alice@X' and 'alice@x ' count as
    one account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get(field)
    return (value or "").strip().lower()


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again (the site's or the admin's), with the reason."""
    message = _(
        "Too many failed sign-ins for this account from your network. For your security, "
        "signing in is paused for %(minutes)s minutes; try again later or ask your administrator."
    ) % {"minutes": cooloff_minutes()}
    # An unbound form (binding it would run authenticate() again) carrying the reason as its
    # non-field error: both login templates already show those in their alert box.
    form = AuthenticationForm(request, initial={"username": username(request, credentials)})
    form._errors = ErrorDict({NON_FIELD_ERRORS: ErrorList([message])})
    if request.path.startswith("/" + admin.site.name + "/"):
        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "app_path": request.get_full_path(),
            "form": form,
            "username": username(request, credentials),
        }
        response = render(request, "admin/login.html", context, status=429)
    else:
        response = render(
            request,
            "web/login.html",
            {"form": form, "next": request.POST.get("next", "")},
            status=429,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
