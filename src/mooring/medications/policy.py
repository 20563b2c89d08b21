"""Site policy for dosing: numbers a program decides for itself, not clinical rules.

These are not the rules core's numbers (those live in protocol profiles, chosen per clinic
and cited); they are how a site chooses to run its dosing window, so they live together in
ONE named object. Services read ``DOSING_POLICY`` when they are called, so a site (or a
test) may replace it with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class DosingPolicy:
    # SITE POLICY: the longest a person may be dosed as a guest at another clinic of the
    # program on one arrangement (a holiday, a family visit, a court date). Longer stays
    # are a transfer of care, not guest dosing.
    max_guest_period_days: int = 14
    # SITE POLICY: how long after the fact a dose given during a downtime may still be
    # entered from the paper log. Older doses need an incident review, not a back-entry.
    back_entry_limit: timedelta = timedelta(hours=72)
    # A clock a few minutes fast on a tablet is not a dose "in the future"; more than this is.
    clock_skew_allowance: timedelta = timedelta(minutes=5)


DOSING_POLICY = DosingPolicy()
