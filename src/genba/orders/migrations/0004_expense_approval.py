"""Expenses are approved by a coordinator before they are billed (issue 13, item 3).

Expenses recorded before this change were already being billed: they are marked approved (decided
by nobody, at their recording time), so no invoice changes: the status column is added with the
default "approved" (every existing row takes it), then the default becomes "pending" for new rows.
New expenses start pending."""

import django.db.models.deletion
import genba.core.ids
import genba.orders.models
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    VisitExpense = apps.get_model("orders", "VisitExpense")
    for expense in VisitExpense.objects.all().only("pk", "recorded_at"):
        VisitExpense.objects.filter(pk=expense.pk).update(
            public_id=genba.core.ids.new_expense_id(), decided_at=expense.recorded_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_visit_calendar_sequence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="visitexpense",
            name="public_id",
            field=models.CharField(editable=False, max_length=40, null=True),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                ],
                default="approved",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="rejection_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="receipt",
            field=models.FileField(
                blank=True, max_length=200, upload_to=genba.orders.models._receipt_path
            ),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="receipt_name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="receipt_content_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="visitexpense",
            name="receipt_size",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visitexpense",
            name="public_id",
            field=models.CharField(
                default=genba.core.ids.new_expense_id, editable=False, max_length=40, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="visitexpense",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
        migrations.AlterModelOptions(
            name="visitexpense",
            options={"ordering": ["visit", "recorded_at", "id"], "verbose_name": "expense"},
        ),
    ]
