from django.core.management.base import BaseCommand, CommandError

from genba.accounts.models import User
from genba.accounts.services import token_create
from genba.core.errors import GenbaError


class Command(BaseCommand):
    help = (
        "Issue an API token for a user. The token is the last line printed; it is shown only once."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="a label to tell tokens apart")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"no user with the e-mail address {email!r}")
        if not user.is_active:
            raise CommandError(f"{email} is deactivated")
        try:
            # by=None: the operator at the server's shell, not a signed-in user (audited as system).
            token, raw = token_create(user=user, by=None, name=name or "cli")
        except GenbaError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Token for {user.email} ({user.get_role_display()}), hint {token.hint}. Keep it secret:"
        )
        self.stdout.write(raw)
