"""Organizations (the provider, its customers), users bound to one with a role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock
from genba.core.ids import new_org_id


class OrganizationKind(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    CUSTOMER = "customer", _("Customer")


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer user")
    COORDINATOR = "coordinator", _("Coordinator")
    ENGINEER = "engineer", _("Engineer")
    BILLING = "billing", _("Billing")
    ADMIN = "admin", _("Administrator")


# Roles that belong to the provider's organization; a customer organization only has CUSTOMER users.
PROVIDER_ROLES = {Role.COORDINATOR, Role.ENGINEER, Role.BILLING, Role.ADMIN}


class Organization(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_org_id, editable=False)
    name = models.CharField(max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    country = models.CharField(max_length=2, default="JP", help_text="ISO 3166-1 alpha-2")
    billing_address = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganizationKind.PROVIDER


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address; bound to one organization with one role."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    language = models.CharField(
        max_length=8, choices=[("en", "English"), ("ja", "日本語")], default="en"
    )
    time_zone = models.CharField(max_length=64, default="Asia/Tokyo")
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_provider_staff(self) -> bool:
        return self.role in PROVIDER_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def _hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    TOKEN_PREFIX = "gnb_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="first characters, to tell tokens apart"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user.email})"

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = cls.TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=_hash_token(raw), hint=raw[:10])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        if not raw.startswith(cls.TOKEN_PREFIX):
            return None
        token = (
            cls.objects.active()
            .select_related("user", "user__organization")
            .filter(token_hash=_hash_token(raw), user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = clock.now()
        # Only touch the row once a minute: a token used in a tight loop would otherwise write per call.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
