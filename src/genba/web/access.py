"""Who may open a page. Outside a user's scope the answer is 404, exactly as for a page that does
not exist (rulebook §7); only a visitor who is not signed in is sent to the login page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from genba.accounts.models import Role

HOMES = {
    Role.CUSTOMER: "/portal/",
    Role.COORDINATOR: "/console/",
    Role.ADMIN: "/console/",
    Role.BILLING: "/console/billing/",
    Role.ENGINEER: "/field/",
}


def home_for(user) -> str:
    return HOMES.get(user.role, "/accounts/login/")


def role_required(*roles: str):
    """Decorate a view: signed in, active, and one of `roles`; anyone else gets 404."""

    allowed = set(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in allowed or not user.is_active:
                raise Http404
            if user.role == Role.CUSTOMER and user.organization_id is None:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
