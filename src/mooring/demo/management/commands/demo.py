"""Build the deterministic demo program (``mooring demo``; ``mooring run`` calls --if-empty)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mooring.accounts.models import Program
from mooring.audit.services import seal_pending
from mooring.core.errors import DomainError
from mooring.demo.builder import build_demo
from mooring.patients.models import DischargeReason


class Command(BaseCommand):
    help = "Build the synthetic demo program (two clinics, staff for every role, patients)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="same seed and same day give the same program (default 1)",
        )
        parser.add_argument(
            "--patients", type=int, default=None, help="how many patients (default 400)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has a program",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        if Program.objects.exists():
            if options["if_empty"]:
                return
            raise CommandError(
                "The database already has a program; the demo only builds into an empty "
                "database. Run `mooring demo --reset` to delete the SQLite database and "
                "build it again."
            )
        if settings.PRODUCTION:
            if options["if_empty"]:
                self.stdout.write("Production: no demo program is built.")
                return
            raise CommandError(
                "The demo program has published passwords; it is never built "
                "in production (MOORING_ENV=production)."
            )
        if options["patients"] is not None and options["patients"] < 0:
            raise CommandError("--patients must be 0 or more.")
        self.stdout.write("Building the demo program ...")
        try:
            summary = build_demo(
                seed=options["seed"], patients=options["patients"], progress=self._progress
            )
        except DomainError as error:
            raise CommandError(f"The demo build stopped: {error.message}") from error
        # The build commits faster than the after-commit sealer's interval; leave no event
        # of the demo waiting for its seal.
        seal_pending(wait=True)
        reasons = "; ".join(
            f"{reason.label} {summary.reasons[reason.value]}"
            for reason in DischargeReason
            if summary.reasons[reason.value]
        )
        self.stdout.write(
            f"Demo program built in {summary.seconds:.1f} s (seed {summary.seed}, "
            f"as of {summary.today}): {summary.patients} patients, {summary.episodes} "
            f"episodes ({summary.open_episodes} open), {summary.pregnancies} pregnancies, "
            f"{summary.staff} staff."
        )
        if reasons:
            self.stdout.write(f"Discharges: {reasons}.")
        if summary.dosing is not None:
            d = summary.dosing
            self.stdout.write(
                f"Dosing, last {d.days} days: {d.orders} orders, {d.doses} observed doses, "
                f"{d.reviews} missed-dose reviews, {d.reinductions} re-inductions, "
                f"{d.receipts} deliveries, {d.counts} balanced counts; "
                f"{d.due_today} people still to dose today."
            )

    def _progress(self, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  {message}")
