"""`genba demo`: a provider, two customers, staff, sites and requests in every state.

Idempotent: users, contracts and coverage are brought to the demo's values on every run; the
requests are created once (on the first run). The history is real: every request is carried through
the same services the API uses, with the clock set to when each step happened.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from genba.accounts.models import Organization, OrganizationKind, Role, User
from genba.billing.models import IssuerProfile
from genba.contracts.models import Contract, ContractKind, Policy
from genba.core import clock
from genba.dispatch.models import EngineerProfile
from genba.orders.management.demo_data import (
    COVERAGE,
    ENGINEER_PROFILES,
    ENGINEERS,
    ISSUER,
    STAFF,
    build_requests,
)

DEMO_PASSWORD = "genba-demo-2026"


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="load even when GENBA_DEBUG is off"
        )

    def handle(self, *args, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "the demo creates users with a known password: run it with GENBA_DEBUG=1, "
                "or pass --allow-production if you really mean it"
            )
        with transaction.atomic():
            Policy.objects.ensure_presets()
            provider, acme, globex = self._organizations()
            self._coverage()
            self._contracts(acme, globex)
            IssuerProfile.objects.update_or_create(pk=1, defaults=ISSUER)
            users = self._users(provider, acme, globex)
        created = 0
        if not acme.requests.exists():
            from django_tasks_db.models import DBTaskResult

            before = set(DBTaskResult.objects.values_list("id", flat=True))
            created = build_requests(users, now=clock.now())
            # The demo's history happened "in the past": its notifications are not mailed now.
            DBTaskResult.objects.exclude(id__in=before).delete()
        self._print_logins(created)

    def _organizations(self):
        provider, _ = Organization.objects.update_or_create(
            name="Genba Field Services KK",
            defaults={
                "kind": OrganizationKind.PROVIDER,
                "name_ja": "現場フィールドサービス株式会社",
                "country": "JP",
            },
        )
        acme, _ = Organization.objects.update_or_create(
            name="Acme Inc.",
            defaults={
                "kind": OrganizationKind.CUSTOMER,
                "country": "US",
                "billing_address": "500 Market Street, San Francisco, CA 94105, USA",
            },
        )
        globex, _ = Organization.objects.update_or_create(
            name="Globex Corp.",
            defaults={
                "kind": OrganizationKind.CUSTOMER,
                "country": "DE",
                "billing_address": "Friedrichstraße 100, 10117 Berlin, Germany",
            },
        )
        return provider, acme, globex

    def _coverage(self):
        from genba.sites.models import CoverageArea, CoverageZone

        for policy in Policy.objects.filter(key__in=("ecorpone", "tokyo-its")):
            for code, name, travel, areas in COVERAGE:
                zone, _ = CoverageZone.objects.update_or_create(
                    policy=policy, code=code, defaults={"name": name, "travel_required": travel}
                )
                for prefecture, municipality_code, municipality_name in areas:
                    CoverageArea.objects.get_or_create(
                        zone=zone,
                        prefecture=prefecture,
                        municipality_code=municipality_code,
                        defaults={"municipality_name": municipality_name},
                    )

    def _contracts(self, acme, globex):
        Contract.objects.update_or_create(
            organization=acme,
            name="Acme retainer 2026",
            defaults={
                "kind": ContractKind.RETAINER,
                "policy": Policy.objects.get(key="ecorpone"),
                "starts_on": date(2026, 1, 1),
                "rate_entry": 8000,
                "rate_senior": 12000,
                "rate_specialist": 18000,
                "class4_response_minutes": 240,
            },
        )
        Contract.objects.update_or_create(
            organization=globex,
            name="Globex ad hoc",
            defaults={
                "kind": ContractKind.AD_HOC,
                "policy": Policy.objects.get(key="tokyo-its"),
                "starts_on": date(2026, 1, 1),
                "rate_entry": 9000,
                "rate_senior": 12000,
                "rate_specialist": 20000,
            },
        )

    def _users(self, provider, acme, globex) -> dict[str, User]:
        from genba.core.admin import back_office_group

        # One group per staff role, its permissions derived from the back office's table
        # (genba.core.admin): the old shared group let billing edit requests and engineers.
        Group.objects.filter(name="Back office").delete()
        groups = {
            role: back_office_group(role) for role in (Role.COORDINATOR, Role.BILLING, Role.ADMIN)
        }
        people = [
            (
                "alice@acme.example",
                "Alice",
                "Anderson",
                Role.CUSTOMER,
                acme,
                "en",
                "America/Los_Angeles",
                "",
            ),
            (
                "bob@globex.example",
                "Bob",
                "Becker",
                Role.CUSTOMER,
                globex,
                "en",
                "Europe/Berlin",
                "",
            ),
            *[(e, f, la, r, provider, lang, "Asia/Tokyo", ph) for e, f, la, r, lang, ph in STAFF],
            *[
                (e, f, la, Role.ENGINEER, provider, lang, "Asia/Tokyo", ph)
                for e, f, la, lang, ph, _s in ENGINEERS
            ],
        ]
        users = {}
        for email, first, last, role, org, language, tz, phone in people:
            user, created = User.objects.update_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "role": role,
                    "organization": org,
                    "language": language,
                    "time_zone": tz,
                    "phone": phone,
                    "is_staff": role in (Role.COORDINATOR, Role.BILLING, Role.ADMIN),
                    "is_superuser": role == Role.ADMIN,
                },
            )
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role in groups:
                user.groups.set([groups[role]])
            users[email] = user
        for email, *_person, skill in ENGINEERS:
            languages, (label, lat, lng), zones, days = ENGINEER_PROFILES[email]
            EngineerProfile.objects.update_or_create(
                user=users[email],
                defaults={
                    "skill_level": skill,
                    "languages": languages,
                    "home_label": label,
                    "home_latitude": lat,
                    "home_longitude": lng,
                    "zones": zones,
                    "work_days": days,
                },
            )
        return users

    def _print_logins(self, created: int):
        out = self.stdout
        if created:
            out.write(f"Demo loaded: {created} requests.")
        else:
            out.write("Demo already loaded; users and settings refreshed.")
        out.write("")
        out.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for user in User.objects.select_related("organization").order_by("role", "email"):
            out.write(f"  {user.email:<28} {user.get_role_display():<14} {user.organization or ''}")
        out.write("")
        out.write(
            "Sign in: http://127.0.0.1:8000/accounts/login/ (each role lands on its own home)"
        )
        out.write(
            "Back office: http://127.0.0.1:8000/admin/   API docs: http://127.0.0.1:8000/api/v1/docs"
        )
        out.write("API token for a user: genba create-token alice@acme.example")
