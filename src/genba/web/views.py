"""Login, the role's home, the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from genba.accounts import services as accounts
from genba.accounts.models import Role
from genba.web.access import HOMES, home_for, role_required


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(home_for(request.user))


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_for(self.request.user)


@require_POST
def language_set(request):
    """Switch the page language; a signed-in user's profile keeps the choice everywhere."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(target)
    if request.user.is_authenticated:
        # Checked above, so this cannot refuse; a visitor who is not signed in keeps the cookie only.
        accounts.language_set(user=request.user, by=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@role_required(*HOMES)
def request_link(request, public_id: str):
    """`/r/<id>/`: one link for everyone (calendar invitations are the same file for all): each
    role is sent to its own page for the request; outside the user's scope, 404."""
    from genba.orders.selectors import get_request_for

    service_request = get_request_for(request.user, public_id, details=False)
    role = request.user.role
    if role == Role.CUSTOMER:
        return redirect("portal:request", service_request.public_id)
    if role == Role.ENGINEER:
        visit = service_request.visits.filter(assigned_engineers=request.user).first()
        return redirect("field:visit", visit.public_id) if visit else redirect("field:home")
    if role == Role.BILLING:
        return redirect("console:billing")
    return redirect("console:request", service_request.public_id)
