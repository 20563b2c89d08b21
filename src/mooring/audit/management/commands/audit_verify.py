from django.core.management.base import BaseCommand, CommandError

from mooring.audit.services import chain_counts, seal_pending, verify_chain


class Command(BaseCommand):
    help = (
        "Seal what is waiting, then check the audit hash chain; report the first changed, "
        "removed, inserted or never-sealed event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="only check: do not seal the events waiting to be sealed first",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not options["no_seal"]:
            seal_pending(wait=True)
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.event_id}: {broken.problem}.")
        sealed, waiting = chain_counts()
        self.stdout.write(
            f"Audit chain intact: {sealed} events verified, {waiting} waiting to be sealed."
        )
