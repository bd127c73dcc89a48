"""`genba issue-invoices --as billing@…`: issue the invoice of every request waiting in the billing
queue (completed, or cancelled with a charge), each in its own transaction."""

from django.core.management.base import BaseCommand, CommandError

from genba.accounts.models import Role, User
from genba.billing import selectors, services
from genba.core.errors import GenbaError


class Command(BaseCommand):
    help = "Issue the invoices of every request waiting in the billing queue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="email", required=True, help="the billing user who issues them"
        )

    def handle(self, *args, email, **options):
        user = User.objects.filter(
            email__iexact=email, role__in=[Role.BILLING, Role.ADMIN], is_active=True
        ).first()
        if user is None:
            raise CommandError(f"{email} is not an active billing or admin user")
        issued = failed = 0
        issuer = services.issuer_snapshot()
        for row in selectors.billing_queue():
            try:
                invoice = services.invoice_issue(request=row["request"], by=user, issuer=issuer)
            except GenbaError as error:
                failed += 1
                self.stderr.write(f"{row['request'].public_id}: {error.message}")
                continue
            issued += 1
            late = " (late)" if invoice.is_late else ""
            self.stdout.write(f"{invoice.number} {invoice.recipient_name} ¥{invoice.total:,}{late}")
        self.stdout.write(f"{issued} issued, {failed} refused")
