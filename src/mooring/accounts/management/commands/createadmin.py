import getpass

from django.core.management.base import BaseCommand, CommandError

from mooring.accounts.capabilities import Role
from mooring.accounts.models import Clinic
from mooring.accounts.services import staff_role_grant, staff_user_create
from mooring.core.context import system_actor
from mooring.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an administrator who may use the Django admin and manage staff."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Read from the terminal when omitted.")

    def handle(self, *args, **options):
        password = options["password"] or getpass.getpass("Password: ")
        actor = system_actor(channel="cli")
        try:
            user = staff_user_create(actor=actor, username=options["username"], password=password,
                                     display_name=options["name"] or options["username"],
                                     is_superuser=True)
            for clinic in Clinic.objects.all():
                staff_role_grant(actor=actor, user=user, clinic=clinic, role=Role.ADMINISTRATOR)
        except DomainError as error:
            raise CommandError(f"{error.field or 'input'}: {error.message}") from None
        self.stdout.write(f"Administrator {user.username} created.")
