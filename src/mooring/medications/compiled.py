"""ORM queries compiled once per process for the dispense hot path.

Turning a QuerySet into SQL (the joins of ``select_related``, every column quoted, the
converters looked up) costs more CPU than running it, and a dose asks the same questions
every time with other values. :class:`CompiledQuery` compiles the query once per database
with stand-in values, remembers where each stand-in sits among the parameters, and at each
call swaps the real values in and builds the rows the way the ORM's own iterator does. The
SQL is exactly the ORM's: the query is still written once, as a QuerySet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: list[Any]
    slots: dict[str, list[int]]
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    converters: list[tuple[int, tuple[list[Any], Any]]]
    annotations: dict[str, int]


class CompiledQuery(Generic[M]):
    """A QuerySet compiled once per database alias, run with other values at each call.

    ``build(**standins)`` returns the QuerySet of ``model``. Each stand-in must reach the compiled
    parameters as it is (an int or a string no real value equals); compiling refuses one
    that was folded into the SQL, so a stand-in can never be run as a constant.
    """

    def __init__(
        self, model: type[M], build: Callable[..., QuerySet[M]], **standins: int | str
    ) -> None:
        self._model = model
        self._build = build
        self._standins = standins
        self._plans: dict[str, _Plan] = {}

    def one(self, **values: int | str) -> tuple[M, dict[str, Any]] | None:
        """The first row as the ORM builds it, with its annotations apart (None: no row)."""
        alias = self._model._default_manager.db
        plan = self._plans.get(alias) or self._compile(self._build(**self._standins), alias)
        params = list(plan.params)
        for name, positions in plan.slots.items():
            for position in positions:
                params[position] = values[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        row = list(found)
        for position, (functions, expression) in plan.converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
        obj: M = plan.model.from_db(alias, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        return obj, {name: row[position] for name, position in plan.annotations.items()}

    def _compile(self, queryset: QuerySet[M], alias: str) -> _Plan:
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = {
            name: [
                position
                for position, value in enumerate(params)
                if type(value) is type(standin) and value == standin
            ]
            for name, standin in self._standins.items()
        }
        missing = [name for name, positions in slots.items() if not positions]
        if missing:
            raise RuntimeError(f"CompiledQuery: {missing} compiled away; check the query")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        plan = self._plans[alias] = _Plan(
            sql=sql,
            params=list(params),
            slots=slots,
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[s[0].target.attname for s in select[start:end]],
            populators=get_related_populators(klass_info, select, alias),
            converters=list(converters.items()),
            annotations=dict(compiler.annotation_col_map),
        )
        return plan
