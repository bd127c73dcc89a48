"""Who hears of what: the customer's users, the remote engineer and local contact where the step
concerns them, the engineers on the visit, the provider's coordinators or billing."""

from __future__ import annotations

from dataclasses import dataclass

from genba.accounts.models import Role, User


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str = ""
    # Times are written in JST and, for a recipient elsewhere, in his or her zone too.
    time_zone: str = "Asia/Tokyo"


def _users(qs) -> list[Recipient]:
    return [
        Recipient(u.email, u.language or "en", u.get_full_name(), u.time_zone or "Asia/Tokyo")
        for u in qs
    ]


def customer_users(request) -> list[Recipient]:
    return _users(
        User.objects.filter(
            organization_id=request.organization_id, role=Role.CUSTOMER, is_active=True
        )
    )


def staff(*roles) -> list[Recipient]:
    return _users(User.objects.filter(role__in=roles, is_active=True))


def contact(contact) -> list[Recipient]:
    if contact is None or not contact.email:
        return []
    # A contact's language, when not given, is the customer's working language: English.
    return [Recipient(contact.email, contact.language or "en", contact.name)]


def engineers(visit) -> list[Recipient]:
    return _users(visit.assigned_engineers.filter(is_active=True))


def users_by_email(emails) -> list[Recipient]:
    """Active users with these addresses (an event names people by e-mail, e.g. the engineer a
    visit was taken from)."""
    wanted = [e for e in emails if e]
    if not wanted:
        return []
    found = User.objects.none()
    for email in wanted:
        found = found | User.objects.filter(email__iexact=email, is_active=True)
    return _users(found.distinct())
