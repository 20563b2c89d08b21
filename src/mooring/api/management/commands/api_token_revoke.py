from django.core.management.base import BaseCommand, CommandError

from mooring.accounts.models import User
from mooring.api.services import api_token_find, api_token_revoke
from mooring.core.context import system_actor
from mooring.core.errors import DomainError


class Command(BaseCommand):
    help = "Revoke a user's API token by its name."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"username: no user called {options['username']!r}.")
        try:
            token = api_token_find(user=user, name=options["name"])
            api_token_revoke(actor=system_actor(channel="cli"), token=token)
        except DomainError as error:
            raise CommandError(f"{error.field or 'input'}: {error.message}") from None
        self.stdout.write(f"Token {token.name!r} of {user.username} revoked.")
