"""Run several calls at the same instant, each on its own database connection.

The concurrency tests use this to press "dispense" or "hand over" twice at once: each call
runs in a thread (so Django gives it its own PostgreSQL connection), all wait at a barrier
and start together. A DomainError is collected as a result, so a test can assert on exactly
one success and the other's refusal code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from mooring.core.errors import DomainError


def at_once(*calls: Callable[[], object], timeout: float = 30) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except DomainError as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
