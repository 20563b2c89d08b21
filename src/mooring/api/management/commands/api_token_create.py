from django.core.management.base import BaseCommand, CommandError

from mooring.accounts.models import User
from mooring.api.services import api_token_create
from mooring.core.context import system_actor
from mooring.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True, help="What uses the token, e.g. 'lab import'.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"username: no user called {options['username']!r}.")
        try:
            issued = api_token_create(
                actor=system_actor(channel="cli"), user=user, name=options["name"]
            )
        except DomainError as error:
            raise CommandError(f"{error.field or 'input'}: {error.message}") from None
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token {issued.token.name!r} created for {user.username}. It is shown "
            "only now: store it in a secret manager."
        )
