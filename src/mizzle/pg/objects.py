"""The declared API of views and materialized views, functions and procedures, triggers, domains and composite
types: module-level values of the schema modules, found there the way MetaData is (sources/loader.py).

    active = View("active_users", sa.select(users.c.id).where(users.c.active))
    touch = Function("touch", "BEGIN NEW.updated_at := now(); RETURN NEW; END", returns="trigger")
    Trigger("users_touch", users, touch, events=("UPDATE",))

Each has `to_model()`, the fact of the schema model (schema/objects.py) it declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..schema import objects as m
from ..schema.objects import DEFAULT_SCHEMA, EVENT_ORDER, ViewIndex, clean_sql
from .base import PgObject

__all__ = ["CompositeType", "Domain", "Function", "Procedure", "Trigger", "View", "ViewIndex"]


def clean_body(body: str) -> str:
    """A SQLite trigger's body as given, outer whitespace trimmed (its statements keep their `;`)."""
    return body.strip()


class ObjectDeclaration(PgObject):
    """The base of this module's declarations (View, Function, …); the loader finds them as PgObjects."""

    def to_model(self) -> Any:
        raise NotImplementedError


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda x: "_" + x.group(1).lower(), key)


def _option_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _query_sql(query: Any) -> str:
    if isinstance(query, str):
        return clean_sql(query)
    from sqlalchemy.dialects import postgresql

    compiled = query.compile(dialect=postgresql.dialect(paramstyle="named"), compile_kwargs={"literal_binds": True})
    return clean_sql("\n".join(line.rstrip() for line in str(compiled).splitlines()))


class View(ObjectDeclaration):
    """A view (`materialized=True`: a materialized view, which may have `indexes`). `query`: SQL text or a
    SQLAlchemy `select()`. `with_`: its options (`security_barrier`, `check_option`, `fillfactor`, … — or
    drizzle's camelCase spellings)."""

    def __init__(self, name: str, query: Any, *, materialized: bool = False, schema: str = DEFAULT_SCHEMA,
                 with_: Mapping[str, Any] | None = None, indexes: Iterable[ViewIndex] = (),
                 with_no_data: bool = False, renamed_from: str | None = None, comment: str | None = None) -> None:
        self.model = m.View(name=name, definition=_query_sql(query), schema=schema, materialized=materialized,
                            options=tuple(sorted((_snake(k), _option_value(v)) for k, v in (with_ or {}).items())),
                            indexes=tuple(indexes), with_no_data=with_no_data, renamed_from=renamed_from,
                            comment=comment)
        if self.model.indexes and not materialized:
            raise ValueError(f"view {name}: only a materialized view has indexes")

    def to_model(self) -> m.View:
        return self.model


def _language(name: str, body: str, language: str | None) -> str:
    """The language given, else `sql` for a SQL-standard body (`RETURN …`, `BEGIN ATOMIC … END`), else plpgsql.
    Neither form is a PL/pgSQL body; another language's body may start `return` (PL/Python's, PL/v8's): quoted."""
    lang = (language or ("sql" if m.is_standard_body(body) else "plpgsql")).lower()
    if lang == "plpgsql" and m.is_standard_body(body):
        raise ValueError(f"function {name}: a SQL-standard body (RETURN …, BEGIN ATOMIC … END) is in language sql")
    return lang


class Function(ObjectDeclaration):
    """A function: `body` is the text between the dollar quotes, `args` the text between the parentheses. A
    body starting `RETURN ` or `BEGIN ATOMIC` is a SQL-standard body (PostgreSQL 14+; language sql), written
    after the head as is, without dollar quotes (in another language, as PL/Python's `return x`, it is quoted).
    `cost`, `rows` (a set-returning function's estimate), `leakproof`: the planner's attributes (COST, ROWS,
    LEAKPROOF); `comment`: its COMMENT ON; `renamed_from`: its former name (`ALTER FUNCTION … RENAME TO`)."""

    def __init__(self, name: str, body: str, *, args: str = "", returns: str = "void", language: str | None = None,
                 schema: str = DEFAULT_SCHEMA, volatility: str = "volatile", strict: bool = False,
                 security_definer: bool = False, parallel: str = "unsafe",
                 config: Mapping[str, str] | None = None, cost: float | None = None, rows: float | None = None,
                 leakproof: bool = False, comment: str | None = None, renamed_from: str | None = None) -> None:
        lang = _language(name, body, language)
        body = clean_sql(body) if lang == "sql" and m.is_standard_body(body) else body
        self.model = m.Routine(name=name, args=args.strip(), body=body, returns=returns, schema=schema,
                               language=lang, volatility=volatility.lower(), strict=strict,
                               security_definer=security_definer, parallel=parallel.lower(),
                               config=tuple(sorted((config or {}).items())),
                               cost=None if cost is None or float(cost) == m.DEFAULT_COST else float(cost),
                               rows=None if rows is None or float(rows) == m.DEFAULT_ROWS else float(rows),
                               leakproof=leakproof, comment=comment, renamed_from=renamed_from)

    @property
    def qualified(self) -> str:
        return f"{self.model.schema}.{self.model.name}"

    def to_model(self) -> m.Routine:
        return self.model


class Procedure(Function):
    def __init__(self, name: str, body: str, *, args: str = "", language: str | None = None,
                 schema: str = DEFAULT_SCHEMA, security_definer: bool = False,
                 config: Mapping[str, str] | None = None, comment: str | None = None,
                 renamed_from: str | None = None) -> None:
        super().__init__(name, body, args=args, language=language, schema=schema,
                         security_definer=security_definer, config=config, comment=comment,
                         renamed_from=renamed_from)
        self.model = replace(self.model, returns=None)


def _events(events: str | Iterable[str]) -> tuple[str, ...]:
    items = [e.strip() for e in re.split(r"\s+OR\s+", events, flags=re.IGNORECASE)] if isinstance(events, str) \
        else [e.strip() for e in events]
    norm = []
    for e in items:
        word, _, rest = e.partition(" ")
        norm.append(word.upper() + (f" {rest.strip()}" if rest.strip() else ""))
    return tuple(sorted(norm, key=lambda e: EVENT_ORDER.index(e.split(" ")[0])))


def _check_constraint_trigger(name: str, constraint: bool, deferrable: bool, initially_deferred: bool,
                              timing: str, for_each: str) -> None:
    if not constraint and (deferrable or initially_deferred):
        raise ValueError(f"trigger {name}: only a constraint trigger (constraint=True) is deferrable")
    if initially_deferred and not deferrable:
        raise ValueError(f"trigger {name}: initially_deferred needs deferrable=True")
    if constraint and (timing, for_each) != ("AFTER", "ROW"):
        raise ValueError(f"trigger {name}: a constraint trigger is AFTER … FOR EACH ROW")


def _check_transition_tables(name: str, old_table: str | None, new_table: str | None, timing: str,
                             constraint: bool, events: tuple[str, ...]) -> None:
    """The server's own rules for REFERENCING, told where the trigger is declared rather than when its migration
    fails: an AFTER trigger, not a constraint trigger, one event, no column list (`UPDATE OF a`), an OLD table
    only on UPDATE or DELETE, a NEW table only on INSERT or UPDATE."""
    if not (old_table or new_table):
        return
    if timing != "AFTER" or constraint:
        raise ValueError(f"trigger {name}: transition tables (old_table, new_table) need an AFTER trigger, "
                         "not a constraint trigger")
    if len(events) != 1 or " " in events[0]:
        raise ValueError(f"trigger {name}: a trigger with transition tables has one event, without a column list")
    if old_table and events[0] not in ("UPDATE", "DELETE") or new_table and events[0] not in ("INSERT", "UPDATE"):
        raise ValueError(f"trigger {name}: old_table is for UPDATE or DELETE, new_table for INSERT or UPDATE")


class Trigger(ObjectDeclaration):
    """A trigger on `table` (a SQLAlchemy Table or its name) calling `function` (a Function or its name) on
    PostgreSQL; on SQLite, running `body` instead (the statements between BEGIN and END; one event, FOR EACH ROW).
    `renamed_from`: its former name (`ALTER TRIGGER … RENAME TO`; SQLite: dropped and made again).
    `constraint=True`: a constraint trigger (PostgreSQL's `CREATE CONSTRAINT TRIGGER`: AFTER, FOR EACH ROW, the
    default timing then AFTER), `deferrable` and `initially_deferred` its DEFERRABLE and INITIALLY DEFERRED.
    `old_table` / `new_table`: the names of its transition tables (`REFERENCING OLD TABLE AS … NEW TABLE AS …`,
    PostgreSQL's AFTER triggers; coder's statement triggers keeping a history of the rows changed)."""

    def __init__(self, name: str, table: Any, function: Any = None, *, events: str | Iterable[str] = ("UPDATE",),
                 timing: str | None = None, for_each: str = "ROW", when: str | None = None,
                 args: Iterable[str] = (), schema: str | None = None, comment: str | None = None,
                 renamed_from: str | None = None, body: str | None = None, constraint: bool = False,
                 deferrable: bool = False, initially_deferred: bool = False, old_table: str | None = None,
                 new_table: str | None = None) -> None:
        if isinstance(table, str):
            t_schema, _, t_name = table.rpartition(".")
        else:
            t_schema, t_name = table.schema or "", table.name
        if (function is None) == (body is None):
            raise ValueError(f"trigger {name}: give a function (PostgreSQL) or a body (SQLite), one of them")
        fn = "" if function is None else function.qualified if isinstance(function, Function) else str(function)
        # the Function given, declared with the trigger even where no module names it at its top level (the
        # loader adds it): a trigger calling a function the migration never makes fails only when it is applied
        self.function = function if isinstance(function, Function) else None
        if fn and "." not in fn:
            fn = f"{DEFAULT_SCHEMA}.{fn}"
        timing = (timing or ("AFTER" if constraint else "BEFORE")).upper()
        _check_constraint_trigger(name, constraint, deferrable, initially_deferred, timing, for_each.upper())
        _check_transition_tables(name, old_table, new_table, timing, constraint, _events(events))
        self.model = m.Trigger(name=name, table=t_name, function=fn, schema=schema or t_schema or DEFAULT_SCHEMA,
                               timing=timing, events=_events(events), for_each=for_each.upper(),
                               when=when, args=tuple(args), comment=comment, renamed_from=renamed_from,
                               body=None if body is None else clean_body(body), constraint=constraint,
                               deferrable=deferrable, initially_deferred=initially_deferred,
                               old_table=old_table, new_table=new_table)

    def to_model(self) -> m.Trigger:
        return self.model


class Domain(ObjectDeclaration):
    """A domain over `type`; `check` (one expression, named `<name>_check` as PostgreSQL would) or `checks`
    (name → expression)."""

    def __init__(self, name: str, type: str, *, not_null: bool = False, default: str | None = None,
                 check: str | None = None, checks: Mapping[str, str] | None = None,
                 schema: str = DEFAULT_SCHEMA, comment: str | None = None) -> None:
        all_checks = dict(checks or {})
        if check is not None:
            all_checks[f"{name}_check"] = check
        self.model = m.Domain(name=name, type=type, schema=schema, not_null=not_null, default=default,
                              checks=tuple(sorted(all_checks.items())), comment=comment)

    def to_model(self) -> m.Domain:
        return self.model


class CompositeType(ObjectDeclaration):
    """A composite type: `attributes` maps each name to its type, in order."""

    def __init__(self, name: str, attributes: Mapping[str, str] | Iterable[tuple[str, str]], *,
                 schema: str = DEFAULT_SCHEMA, comment: str | None = None) -> None:
        pairs = attributes.items() if isinstance(attributes, Mapping) else attributes
        self.model = m.CompositeType(name=name, attributes=tuple((str(k), str(v)) for k, v in pairs), schema=schema,
                                      comment=comment)

    def to_model(self) -> m.CompositeType:
        return self.model
