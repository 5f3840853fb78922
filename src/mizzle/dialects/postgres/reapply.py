"""Expressions written out so the server stores the same text again (what `pull` writes).

`pg_get_constraintdef` / `pg_get_expr` print what parse analysis built, and that text is not always a fixed point:
parsed again it can build another tree. The case found on real models (mlflow's `name IN ('a', 'b')` on a varchar
column): the server stores `(name)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])`
-- an array of varchar coerced implicitly to text[] -- but parse analysis pushes an explicit cast on an ARRAY[...]
constructor into its elements, so that text comes back as `ARRAY[('a'::character varying)::text, ...]`. Written
without the cast, `= ANY (ARRAY['a'::character varying, ...])`, the operator's implicit coercion is made again and
the server prints the first text. (Same meaning either way: drift and generate compare by meaning; a pull round
trip compares the stored text.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ...schema.model import Schema, Table
from ...schema.objects import Objects

_ANY_ARRAY = re.compile(r"\b(?:ANY|ALL) \((\(?)ARRAY\[")
_ARRAY_CAST = re.compile(r"::(?:[a-z_][\w ]*|\"(?:[^\"]|\"\")+\")(?:\(\d+(?:,\s*\d+)?\))?\[\]\)")


def _close(text: str, start: int) -> int:
    """The index just after the parenthesis closing the one at `start` (quotes and brackets respected), or -1."""
    depth, i, n = 0, start, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == ch:  # '' / "" inside a literal or identifier
                end = text.find(ch, end + 2)
            if end == -1:
                return -1
            i = end
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def reapplicable_expression(expr: str) -> str:
    """`expr` (as the server printed it, or introspection's spelling of that) rewritten so that applying it
    again stores the same text: `op ANY ((ARRAY[…])::T[])` / `op ANY (ARRAY[…]::T[])` → `op ANY (ARRAY[…])`
    (the coercion the operator makes implicitly)."""
    out, pos = [], 0
    for m in _ANY_ARRAY.finditer(expr):
        if m.start() < pos:
            continue
        paren = bool(m.group(1))
        array = m.end() - len("ARRAY[")
        end = _close(expr, array + len("ARRAY"))  # just after "]"
        if end != -1 and paren:
            end = end + 1 if expr[end:end + 1] == ")" else -1
        cast = _ARRAY_CAST.match(expr, end) if end != -1 else None
        if cast is None:
            continue
        out.append(expr[pos:array - paren] + expr[array:end - paren])  # "… ANY (" + "ARRAY[…]"
        pos = cast.end() - 1  # keep the ")" closing ANY (
    return "".join(out) + expr[pos:] if out else expr


def reapplicable(model: Schema) -> Schema:
    """The model with every expression (checks, index expressions and predicates, exclusion constraints' elements
    and predicates, generated columns, defaults whose cast has a type modifier, policies' USING / WITH CHECK; views' queries and their indexes' predicates,
    triggers' WHEN, domains' checks) written so the server stores it as it is stored now."""
    return _with(model, tables=_each(model.tables, _table), objects=_objects(model.objects))


def _optional(expr: str | None) -> str | None:
    return reapplicable_expression(expr) if expr else expr


def _objects(o: Objects) -> Objects:
    fix = reapplicable_expression
    views = _each(o.views, lambda v: _with(v, definition=fix(v.definition),
                                           indexes=_each(v.indexes, lambda ix: _with(ix, where=_optional(ix.where)))))
    triggers = _each(o.triggers, lambda t: _with(t, when=_optional(t.when)))
    domains = _each(o.domains, lambda d: _with(d, checks=_each(d.checks, lambda c: _pair(c, fix(c[1])))))
    return _with(o, views=views, triggers=triggers, domains=domains)


def _table(t: Table) -> Table:
    fix = reapplicable_expression
    checks = _each(t.checks, lambda c: _with(c, expression=fix(c.expression)))
    indexes = _each(t.indexes, lambda ix: _with(
        ix, where=_optional(ix.where),
        columns=_each(ix.columns, lambda c: _with(c, expression=fix(c.expression)) if c.is_expression else c)))
    # a default whose cast carries a type modifier, as the server prints it (Column.stored_default)
    columns = _each(t.columns, lambda c: _with(c, generated=fix(c.generated)) if c.generated else
                    _with(c, default=c.stored_default) if c.stored_default else c)
    policies = _each(t.policies, lambda p: _with(p, using=_optional(p.using), with_check=_optional(p.with_check)))
    excludes = _each(t.excludes, lambda x: _with(
        x, where=_optional(x.where),
        elements=_each(x.elements, lambda e: _with(e, expression=fix(e.expression)) if e.is_expression else e)))
    return _with(t, checks=checks, indexes=indexes, columns=columns, policies=policies, excludes=excludes)


# Nothing is copied where nothing is rewritten (nearly every object): the same objects come back, which saves
# pull ~25 ms of dataclasses.replace on 1,000 tables and keeps the model's tables identical to the read ones.

def _each(items: tuple[Any, ...], f: Callable[[Any], Any]) -> tuple[Any, ...]:
    """`f` of each item; `items` itself where `f` returned every item unchanged (the very same object)."""
    out = tuple(f(x) for x in items)
    return items if all(a is b for a, b in zip(out, items, strict=True)) else out


def _with(obj: Any, **fields: Any) -> Any:
    """`obj` with `fields` replaced; `obj` itself where each is already its value (the very same object)."""
    return obj if all(getattr(obj, k) is v for k, v in fields.items()) else replace(obj, **fields)


def _pair(pair: tuple[str, str], expr: str) -> tuple[str, str]:
    return pair if pair[1] is expr else (pair[0], expr)
