"""Forgiving patient search: by MRN, date of birth or name, typos and accents forgiven.

PostgreSQL uses trigram similarity (pg_trgm, GIN index) so the search stays fast over
100,000 patients; SQLite, the small embedded database, filters by first letters and ranks
in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import Q, QuerySet

from mooring.patients.models import Patient
from mooring.patients.names import fold, token_match

MAX_RESULTS = 25
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    tokens: list[str]
    birth_date: date | None
    mrn: str | None


def parse_query(raw: str) -> ParsedQuery:
    raw = raw.strip()
    birth_date = None
    remaining = []
    for part in raw.split():
        parsed = _parse_date(part)
        if parsed:
            birth_date = parsed
        else:
            remaining.append(part)
    text = " ".join(remaining)
    mrn = text.upper() if re.fullmatch(r"[A-Za-z]{0,6}\d{3,}", text) else None
    return ParsedQuery(text=text, tokens=fold(text).split(), birth_date=birth_date, mrn=mrn)


def _parse_date(value: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def search_patients(base: QuerySet[Patient], raw_query: str,
                    limit: int = MAX_RESULTS) -> list[Patient]:
    query = parse_query(raw_query)
    if not query.tokens and not query.birth_date:
        return []
    if query.mrn:
        exact = list(base.filter(mrn=query.mrn)[:limit])
        if exact:
            return exact
    if query.birth_date:
        base = base.filter(date_of_birth=query.birth_date)
        if not query.tokens:
            return list(base.order_by("search_name")[:limit])
    if connection.vendor == "postgresql":
        return _search_postgres(base, query, limit)
    return _search_portable(base, query, limit)


def _search_postgres(base: QuerySet[Patient], query: ParsedQuery, limit: int) -> list[Patient]:
    folded = " ".join(query.tokens)
    # word_similarity finds a short query inside the longer "given preferred family" string;
    # the <% operator uses the trigram index.
    candidates = base.extra(  # noqa: S610 - parameters are bound, not interpolated
        select={"score": "word_similarity(%s, patients_patient.search_name)"},
        select_params=[folded],
        where=["%s <%% patients_patient.search_name"],
        params=[folded],
    ).order_by("-score", "search_name")[: limit * 4]
    return _rank(list(candidates), query, limit)


def _search_portable(base: QuerySet[Patient], query: ParsedQuery, limit: int) -> list[Patient]:
    # Most typos keep the first letter; narrow by it so SQLite scans few rows.
    first_letters = Q()
    for token in query.tokens:
        first_letters |= Q(search_name__startswith=token[0]) | Q(
            search_name__contains=f" {token[0]}")
    candidates = base.filter(first_letters).only(
        "uuid", "mrn", "search_name", "legal_given_name", "legal_family_name",
        "preferred_name", "date_of_birth", "home_clinic", "pronouns", "photo",
    )[:5000]
    return _rank(list(candidates), query, limit)


def _rank(candidates: list[Patient], query: ParsedQuery, limit: int) -> list[Patient]:
    scored = [(token_match(query.tokens, p.search_name), p) for p in candidates]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1].search_name))
    return [patient for _, patient in ranked[:limit]]
