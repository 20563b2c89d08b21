"""INSERTs compiled once per process for the hot paths (a dose, its ledger row, audit events).

``Model.save()`` and ``objects.create()`` build their INSERT again on every call: the query
object, the compiler, the quoting of every column. For a dose that happens twice (the dose
and its ledger entry) and cost more CPU than the statements themselves. :func:`insert_row`
keeps the SQL Django compiled for the model the first time and only prepares the values, the
way ``save()`` prepares them (``pre_save`` then ``get_db_prep_save``, so ``auto_now_add``
and defaults behave the same). It lives in core so that every app, the audit log included,
can use it.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import connections, transaction
from django.db.models import Field, Model
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)

# (database alias, model) -> (the INSERT, the fields its placeholders stand for, in order).
_INSERTS: dict[tuple[str, type[Model]], tuple[str, list[Field]]] = {}


def insert_row(obj: M) -> M:
    """INSERT the new row ``obj`` as ``save()`` would (no signals are sent), and set its pk.

    Only for a row not yet saved: like the append-only models' ``save()``, a second call on
    the same object is refused. A constraint violation raises ``IntegrityError`` and marks
    the caller's transaction for rollback, as ``save()`` does.
    """
    model = type(obj)
    meta = model._meta
    if obj.pk is not None or not obj._state.adding:
        raise RuntimeError(
            getattr(model, "append_only_message", f"This {meta.model_name} is already saved.")
        )
    alias = model._default_manager.db
    connection = connections[alias]
    compiled = _INSERTS.get((alias, model))
    if compiled is None:
        compiled = _INSERTS[(alias, model)] = _compile(model, obj, alias)
    sql, fields = compiled
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    setattr(obj, meta.pk.attname, pk)
    obj._state.adding = False
    obj._state.db = alias
    return obj


def _compile(model: type[Model], obj: Model, alias: str) -> tuple[str, list[Field]]:
    """Django's own INSERT for ``model``, returning the new id where the database can."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    if meta.auto_field is None or any(f.generated or f.has_db_default() for f in fields):
        # Those need the placeholders Django chooses per value; save() handles them.
        raise TypeError(f"insert_row does not handle {meta.label}")
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(alias)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    if len(params) != len(fields) or sql.count("%s") != len(fields):
        raise TypeError(f"insert_row: {meta.label} compiled to unexpected placeholders")
    return sql, fields
