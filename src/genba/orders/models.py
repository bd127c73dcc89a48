"""Service requests and what they hold: visits, equipment, items to bring, paperwork, attachments.

Status fields change only through orders.services (one service per transition); the admin shows
them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.contracts.models import SkillLevel
from genba.core import clock
from genba.core.ids import (
    new_attachment_id,
    new_change_id,
    new_expense_id,
    new_request_id,
    new_visit_id,
)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Information requested")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    RELEASED = "released", _("Released")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    INVOICED = "invoiced", _("Invoiced")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")


# Requests in these states are closed: nothing but billing moves them on.
CLOSED_STATUSES = {RequestStatus.PAID, RequestStatus.CANCELLED, RequestStatus.DECLINED}
# States in which the customer may still edit what was ordered: until approval (rulebook §3).
EDITABLE_STATUSES = {
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.INFO_REQUESTED,
    RequestStatus.PROPOSED,
}


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RELEASED = "released", _("Released")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    WORKING = "working", _("Working")
    SIGNED_OFF = "signed_off", _("Signed off")
    NO_ACCESS = "no_access", _("No access")
    CANCELLED = "cancelled", _("Cancelled")


VISIT_END_STATUSES = {VisitStatus.SIGNED_OFF, VisitStatus.NO_ACCESS, VisitStatus.CANCELLED}


class Urgency(models.IntegerChoices):
    PLANNED = 1, _("Class 1 – planned")
    NEXT_DAYS = 2, _("Class 2 – within days")
    NEXT_DAY = 3, _("Class 3 – next business day")
    IMMEDIATE = 4, _("Class 4 – visit immediately")


class ServiceRequest(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_request_id, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="requests"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="requests"
    )
    # The policy in force when the request was made; a later contract change does not move it.
    policy = models.ForeignKey(
        "contracts.Policy", on_delete=models.PROTECT, related_name="requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    title = models.CharField(max_length=200, blank=True)
    reference = models.CharField(_("PO / case / ticket number"), max_length=100, blank=True)
    work_description = models.TextField(blank=True)
    skill_level = models.CharField(max_length=20, choices=SkillLevel.choices)
    skill_level_defaulted = models.BooleanField(default=False)
    # Signed: an out-of-range count is kept and reported as a finding, as the customer typed it.
    engineers = models.SmallIntegerField(default=1)
    languages = models.JSONField(default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.PLANNED)
    sla_requested = models.BooleanField(default=False)
    force_without_local_contact = models.BooleanField(default=False)
    datacenter_reference = models.CharField(max_length=100, blank=True)
    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    local_contact = models.ForeignKey(
        "sites.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remote_engineer = models.ForeignKey(
        "sites.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_notes = models.TextField(blank=True)

    # Recorded by a coordinator: the phone call that short notice and class 4 require.
    call_recorded_at = models.DateTimeField(null=True, blank=True)
    call_note = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    sla_started_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Cancelling after approval charges the full reservation (rulebook §3).
    cancellation_charged = models.BooleanField(default=False)
    end_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("service request")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Visit(models.Model):
    public_id = models.CharField(max_length=40, unique=True, default=new_visit_id, editable=False)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="visits")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    scheduled_start = models.DateTimeField(null=True, blank=True)
    reserved_hours = models.DecimalField(max_digits=5, decimal_places=2)
    reserved_hours_defaulted = models.BooleanField(default=False)
    assigned_engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_visits"
    )
    en_route_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    signed_off_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # The iCalendar SEQUENCE (RFC 5546): raised on every change an invitation must carry.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("visit")
        ordering = ["request", "position", "id"]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    @property
    def organization(self):
        return self.request.organization

    @property
    def is_ended(self) -> bool:
        return self.status in VISIT_END_STATUSES


class EquipmentLine(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="equipment")
    position = models.PositiveSmallIntegerField(default=0)
    make = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    serial = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["request", "position", "id"]

    def __str__(self) -> str:
        return " ".join(p for p in (self.make, self.model, self.serial) if p)


class ItemToBring(models.Model):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="items_to_bring"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["request", "position", "id"]
        verbose_name_plural = "items to bring"

    def __str__(self) -> str:
        return self.name


class PaperworkItem(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="paperwork")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["request", "position", "id"]

    def __str__(self) -> str:
        return self.description


class AttachmentKind(models.TextChoices):
    WORK_INSTRUCTIONS = "work_instructions", _("Work instructions")
    DIAGRAM = "diagram", _("Diagram or port map")
    PAPERWORK = "paperwork", _("Paperwork")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name carries no user input: the original name is kept in a field, not on disk.
    return f"attachments/{instance.request.public_id}/{instance.public_id}"


class Attachment(models.Model):
    public_id = models.CharField(
        max_length=40, unique=True, default=new_attachment_id, editable=False
    )
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(
        max_length=30, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["request", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def organization(self):
        return self.request.organization


class ExpenseStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def _receipt_path(instance: VisitExpense, filename: str) -> str:
    # As attachments: the stored name carries no user input.
    return f"receipts/{instance.visit.public_id}/{instance.public_id}"


class VisitExpense(models.Model):
    """Train tickets, hotel, parts: charged at cost whatever the outcome (rulebook §5.5), once a
    coordinator has approved them (orders.expenses; docs/pricing.md). Only approved ones are
    priced."""

    public_id = models.CharField(max_length=40, unique=True, default=new_expense_id, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="expenses")
    description = models.CharField(max_length=200)
    amount = models.PositiveIntegerField(help_text="yen, tax excluded")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    status = models.CharField(
        max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # The receipt: private storage, served only to the provider's staff and the engineer who added
    # it (rulebook §7); never to the customer.
    receipt = models.FileField(upload_to=_receipt_path, max_length=200, blank=True)
    receipt_name = models.CharField(max_length=255, blank=True)
    receipt_content_type = models.CharField(max_length=100, blank=True)
    receipt_size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("expense")
        ordering = ["visit", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.description} ¥{self.amount:,}"

    @property
    def organization(self):
        return self.visit.request.organization


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class VisitChange(models.Model):
    """The customer asks to move an approved visit (orders.visit_changes); a coordinator confirms
    it (the reschedule runs) or declines it with a reason. A move confirmed within the policy's
    `late_change_hours` of the original start is `late`: the original slot is charged as a
    cancellation after approval (docs/pricing.md, "Late changes")."""

    public_id = models.CharField(max_length=40, unique=True, default=new_change_id, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED
    )
    scheduled_start = models.DateTimeField()
    reserved_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # Set on confirmation: the slot the visit had, and whether it is charged (late change).
    original_start = models.DateTimeField(null=True, blank=True)
    original_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("visit change")
        ordering = ["visit", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    @property
    def organization(self):
        return self.visit.request.organization
