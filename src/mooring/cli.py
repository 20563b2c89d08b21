"""The ``mooring`` command: run the app, build the demo, verify the audit log, and more."""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mooring.config.settings")
    import django

    django.setup()


def _call(name: str, *args: str) -> None:
    from django.core.management import call_command

    call_command(name, *args)


def cmd_run(options: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not options.no_demo:
        call_command("demo", "--if-empty")
    call_command("demo_logins")
    print(f"\nMooring is at http://{options.host}:{options.port}/  (Ctrl-C stops it)\n")
    call_command("runserver", f"{options.host}:{options.port}", use_reloader=False,
                 skip_checks=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="mooring", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="migrate, build the demo if empty, print logins, serve")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", default="8000")
    run.add_argument("--no-demo", action="store_true", help="do not build the demo program")

    demo = sub.add_parser("demo", help="build the deterministic demo program")
    demo.add_argument("--reset", action="store_true", help="delete the SQLite database first")
    demo.add_argument("--seed", default="1")

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify", help="seal what is waiting, check the hash chain; non-zero exit if broken"
    )
    verify.add_argument("--no-seal", action="store_true", help="only check, do not seal first")
    seal = audit_sub.add_parser("seal", help="seal the audit events waiting for the chain")
    seal.add_argument("--watch", metavar="SECONDS", help="keep sealing every SECONDS until stopped")

    admin = sub.add_parser("createadmin", help="create an administrator account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", default="")

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)

    options = parser.parse_args(argv)
    if options.command == "demo" and options.reset:
        _reset_sqlite()
    _setup()
    from django.core.management.base import CommandError

    try:
        _dispatch(options)
    except CommandError as error:
        print(f"mooring: {error}", file=sys.stderr)
        sys.exit(1)


def _dispatch(options: argparse.Namespace) -> None:
    if options.command == "run":
        cmd_run(options)
    elif options.command == "demo":
        _call("migrate", "--no-input", "--verbosity=0")
        _call("demo", f"--seed={options.seed}")
        _call("demo_logins")
    elif options.command == "audit" and options.audit_command == "seal":
        _call("audit_seal", *([f"--watch={options.watch}"] if options.watch else []))
    elif options.command == "audit":
        _call("audit_verify", *(["--no-seal"] if options.no_seal else []))
    elif options.command == "createadmin":
        _call("createadmin", f"--username={options.username}", f"--name={options.name}")
    elif options.command == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["mooring manage", *options.args])


def _reset_sqlite() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        sys.exit("mooring: --reset only deletes the embedded SQLite database; drop a "
                 "PostgreSQL database yourself.")
    from pathlib import Path

    var_dir = Path(os.environ.get("MOORING_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    for suffix in ("", "-wal", "-shm"):
        path = var_dir / f"mooring.sqlite3{suffix}"
        if path.exists():
            path.unlink()


if __name__ == "__main__":
    main()
