from django.core.management.base import BaseCommand, CommandError

from mooring.audit.models import AuditEvent
from mooring.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit hash chain; report the first changed, removed or inserted event."

    def handle(self, *args: object, **options: object) -> None:
        count = AuditEvent.objects.count()
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.event_id}: {broken.problem}.")
        self.stdout.write(f"Audit chain intact: {count} events verified.")
