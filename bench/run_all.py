"""Run every benchmark in turn, each in its own throwaway database, and print a summary.

`make bench` runs this under scripts/with-postgres.sh. Figures go to bench/results/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("search", "chart", "dosing", "queue_page")


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        # A fresh interpreter each: Django is set up once per process, per database.
        completed = subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False)
        if completed.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nbench: {', '.join(failed)} did not finish", file=sys.stderr)
        return 1
    print(f"\nResults are in {HERE / 'results'}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
