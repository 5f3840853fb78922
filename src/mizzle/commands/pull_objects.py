"""`pull`'s module writer, for objects beyond tables: each view, function, procedure, trigger, domain and
composite type of the model as the `mizzle.pg` declaration that gives it back (the query, body and types as
the server printed them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..schema.objects import (
    DEFAULT_SCHEMA,
    CompositeType,
    Domain,
    Objects,
    Routine,
    Trigger,
    View,
    is_standard_body,
)


def _s(text: str) -> str:
    """A Python string literal for `text`, triple-quoted when it spans lines."""
    if "\n" in text and '"""' not in text and not text.endswith('"') and "\\" not in text:
        return '"""' + text + '"""'
    return repr(text)


def number(x: float) -> str:
    """A COST or ROWS as Python: `50`, `0.5`."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _kw(name: str, value: Any, default: Any) -> list[str]:
    return [] if value == default else [f"{name}={_s(value) if isinstance(value, str) else repr(value)}"]


def _view(v: View) -> str:
    args = [_s(v.name), _s(v.definition)]
    args += _kw("materialized", v.materialized, False) + _kw("schema", v.schema, DEFAULT_SCHEMA)
    if v.options:
        args.append("with_={" + ", ".join(f"{_s(k)}: {_s(x)}" for k, x in v.options) + "}")
    if v.indexes:
        args.append("indexes=[" + ", ".join(
            f"ViewIndex({', '.join([_s(i.name), _s(i.columns), *_kw('unique', i.unique, False), *_kw('method', i.method, 'btree'), *_kw('where', i.where, None)])})"  # noqa: E501
            for i in v.indexes) + "]")
    args += _kw("with_no_data", v.with_no_data, False) + _kw("comment", v.comment, None)
    return f"View({', '.join(args)})"


def _routine(r: Routine) -> str:
    args = [_s(r.name), _s(r.body)]
    args += _kw("args", r.args, "")
    if not r.is_procedure:
        args += _kw("returns", r.returns, "void")
    args += _kw("language", r.language, "sql" if is_standard_body(r.body) else "plpgsql")
    args += _kw("schema", r.schema, DEFAULT_SCHEMA)
    if not r.is_procedure:
        args += _kw("volatility", r.volatility, "volatile") + _kw("strict", r.strict, False)
        args += _kw("parallel", r.parallel, "unsafe") + _kw("leakproof", r.leakproof, False)
        args += [f"{k}={number(x)}" for k, x in (("cost", r.cost), ("rows", r.rows)) if x is not None]
    args += _kw("security_definer", r.security_definer, False)
    if r.config:
        args.append("config={" + ", ".join(f"{_s(k)}: {_s(x)}" for k, x in r.config) + "}")
    args += _kw("comment", r.comment, None)
    return f"{'Procedure' if r.is_procedure else 'Function'}({', '.join(args)})"


def _trigger(t: Trigger) -> str:
    table = t.table if t.schema == DEFAULT_SCHEMA else f"{t.schema}.{t.table}"
    fn = [_s(t.function)] if t.body is None else []  # SQLite's: a body, no function
    args = [_s(t.name), _s(table), *fn, f"events=({', '.join(_s(e) for e in t.events)},)"]
    args += _kw("constraint", t.constraint, False) + _kw("deferrable", t.deferrable, False)
    args += _kw("initially_deferred", t.initially_deferred, False)
    args += _kw("timing", t.timing, "AFTER" if t.constraint else "BEFORE") + _kw("for_each", t.for_each, "ROW")
    args += _kw("when", t.when, None) + _kw("old_table", t.old_table, None) + _kw("new_table", t.new_table, None)
    if t.args:
        args.append(f"args=({', '.join(_s(a) for a in t.args)},)")
    args += _kw("comment", t.comment, None) + _kw("body", t.body, None)
    return f"Trigger({', '.join(args)})"


def _domain(d: Domain) -> str:
    args = [_s(d.name), _s(d.type)] + _kw("not_null", d.not_null, False) + _kw("default", d.default, None)
    if d.checks:
        args.append("checks={" + ", ".join(f"{_s(k)}: {_s(e)}" for k, e in d.checks) + "}")
    return f"Domain({', '.join(args + _kw('schema', d.schema, DEFAULT_SCHEMA) + _kw('comment', d.comment, None))})"


def _composite(c: CompositeType) -> str:
    attrs = "{" + ", ".join(f"{_s(n)}: {_s(t)}" for n, t in c.attributes) + "}"
    more = _kw("schema", c.schema, DEFAULT_SCHEMA) + _kw("comment", c.comment, None)
    return f"CompositeType({', '.join([_s(c.name), attrs, *more])})"


_WRITERS: dict[type, Callable[[Any], str]] = {View: _view, Routine: _routine, Trigger: _trigger, Domain: _domain, CompositeType: _composite}


def object_lines(objects: Objects, take: Any) -> tuple[list[str], list[str]]:
    """(the import line, one `var = Declaration(...)` line per object); `take(wanted)` gives a free variable
    name."""
    if not objects:
        return [], []
    body = ["", "# views, functions, triggers, domains, composite types (mizzle.pg)"]
    kinds = set()
    for o in objects.all():
        text = _WRITERS[type(o)](o)
        kinds.add(text.split("(", 1)[0])
        suffix = {"view": "view", "function": "fn", "trigger": "trigger", "domain": "domain"}.get(o.kind, "type")
        body.append(f"{take(o.name + '_' + suffix)} = {text}")
    if any(isinstance(o, View) and o.indexes for o in objects.all()):
        kinds.add("ViewIndex")
    return [f"from mizzle.pg import {', '.join(sorted(kinds))}"], body
