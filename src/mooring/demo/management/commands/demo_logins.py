"""Print the demo staff accounts and their shared password (never in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole, User
from mooring.demo.builder import DEMO_PASSWORD, DEMO_STAFF


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, name, role, clinics) for every demo account still in the database."""
    order = [spec.username for spec in DEMO_STAFF]
    users = {u.username: u for u in User.objects.filter(username__in=order, is_active=True)}
    grants: dict[tuple[str, str], list[str]] = {}
    for grant in (
        StaffRole.objects.filter(user__in=users.values())
        .select_related("user", "clinic")
        .order_by("clinic__name")
    ):
        grants.setdefault((grant.user.username, grant.role), []).append(grant.clinic.name)
    rows = []
    for username in order:
        if username not in users:
            continue
        roles = [(role, clinics) for (name, role), clinics in grants.items() if name == username]
        for role, clinics in roles or [("", [])]:
            label = str(Role(role).label) if role else "-"
            rows.append((username, str(users[username]), label, ", ".join(clinics) or "-"))
    return rows


class Command(BaseCommand):
    help = "List the demo logins (username, name, role, clinic) and the demo password."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            return
        rows = login_rows()
        if not rows:
            self.stdout.write("No demo logins: build the demo with `mooring demo`.")
            return
        headers = ("Username", "Name", "Role", "Clinic")
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(4)]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write("\nDemo logins (demo data only; never use these in production):\n")
        self.stdout.write(line.format(*headers).rstrip())
        self.stdout.write(line.format(*("-" * w for w in widths)).rstrip())
        for row in rows:
            self.stdout.write(line.format(*row).rstrip())
        self.stdout.write(f"\nPassword for every demo login: {DEMO_PASSWORD}")
