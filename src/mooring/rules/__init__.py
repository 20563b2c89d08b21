"""Mooring's clinical rules core.

Pure Python: no Django, no database, no clock, no I/O. Callers pass ``as_of`` and
frozen inputs; every function returns frozen results that cite evidence ids from
:mod:`mooring.rules.evidence`, and every tunable number comes from a named protocol
profile. See ``docs/rules/`` for one page per rule.
"""
