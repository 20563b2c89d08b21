import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from mooring.audit.services import seal_pending


class Command(BaseCommand):
    help = (
        "Seal the audit events waiting for the hash chain. With --watch, keep sealing every "
        "few seconds (a production timer or sidecar, so sealing does not depend on traffic)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="seal, sleep this long, and again, until stopped",
        )

    def handle(self, *args: object, **options: object) -> None:
        every = options["watch"]
        if every is None:
            self.stdout.write(f"Sealed {seal_pending(wait=True)} audit events.")
            return
        if every <= 0:
            raise CommandError("--watch takes a number of seconds greater than 0.")
        try:
            while True:
                self._seal_once()
                time.sleep(every)
        except KeyboardInterrupt:
            return

    def _seal_once(self) -> None:
        # A database restart must not end the watch: report it and try again next time.
        try:
            sealed = seal_pending(wait=True)
        except DatabaseError as error:
            self.stderr.write(f"Sealing failed, will retry: {error}")
            connection.close()
            return
        if sealed:
            self.stdout.write(f"Sealed {sealed} audit events.")
