"""Changes of objects beyond tables (schema/object_changes.py) → PostgreSQL DDL: views and materialized views,
functions and procedures, triggers, domains, composite types."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...schema import object_changes as oc
from ...schema.objects import CompositeType, Domain, Routine, Trigger, View, ViewIndex
from ...schema.row_types import split_top_level
from .ddl import BODY_CHECK_OFF, BODY_CHECK_ON, ident, qname
from .expressions import column_default
from .types import quote_literal


def dollar_quote(body: str) -> str:
    tag = ""
    while f"${tag}$" in body:
        tag = tag + "x" if tag else "mz"
    return f"${tag}${body}${tag}$"


_DEFAULT = re.compile(r"\s+(?:DEFAULT\b|=).*$", re.IGNORECASE | re.DOTALL)


def identity_args(args: str) -> str:
    """A routine's arguments without their defaults: what DROP FUNCTION accepts."""
    return ", ".join(_DEFAULT.sub("", a) for a in split_top_level(args))


# -- views -----------------------------------------------------------------------------------------------

def _options(v: View) -> str:
    return " WITH (" + ", ".join(f"{k}={val}" for k, val in v.options) + ")" if v.options else ""


def view_index(v: View, i: ViewIndex) -> str:
    sql = (f"CREATE {'UNIQUE ' if i.unique else ''}INDEX {ident(i.name)} ON {qname(v.schema, v.name)} "
           f"USING {i.method} ({i.columns})")
    return sql + (f" WHERE {i.where}" if i.where else "")


def create_view(v: View, or_replace: bool = False) -> list[str]:
    if v.materialized:
        using = f" USING {ident(v.using)}" if v.using else ""
        out = [f"CREATE MATERIALIZED VIEW {qname(v.schema, v.name)}{using}{_options(v)} AS {v.definition}"
               + (" WITH NO DATA" if v.with_no_data else "")]
        return out + [view_index(v, i) for i in v.indexes]
    return [f"CREATE {'OR REPLACE ' if or_replace else ''}VIEW {qname(v.schema, v.name)}{_options(v)} AS "
            f"{v.definition}"]


def _view_word(v: View) -> str:
    return "MATERIALIZED VIEW" if v.materialized else "VIEW"


# -- functions and procedures ----------------------------------------------------------------------------

def create_routine(r: Routine, or_replace: bool = False) -> list[str]:
    head = f"CREATE {'OR REPLACE ' if or_replace else ''}{'PROCEDURE' if r.is_procedure else 'FUNCTION'} " \
           f"{qname(r.schema, r.name)}({r.args})"
    parts = [head]
    if not r.is_procedure:
        parts.append(f"RETURNS {r.returns}")
    parts.append(f"LANGUAGE {r.language}")
    if not r.is_procedure:
        if r.volatility != "volatile":
            parts.append(r.volatility.upper())
        if r.strict:
            parts.append("STRICT")
    if r.security_definer:
        parts.append("SECURITY DEFINER")
    if not r.is_procedure and r.leakproof:
        parts.append("LEAKPROOF")
    if not r.is_procedure and r.parallel != "unsafe":
        parts.append(f"PARALLEL {r.parallel.upper()}")
    if not r.is_procedure and r.cost is not None:
        parts.append(f"COST {number(r.cost)}")
    if not r.is_procedure and r.rows is not None:
        parts.append(f"ROWS {number(r.rows)}")
    parts.extend(f"SET {k} = {setting_value(v)}" for k, v in r.config)
    parts.append(r.body.strip() if r.standard_body else f"AS {dollar_quote(r.body)}")
    return ["\n".join(parts)]


def number(x: float) -> str:
    """A COST or ROWS as written: `50`, `0.5`."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def drop_routine(r: Routine) -> str:
    return f"DROP {'PROCEDURE' if r.is_procedure else 'FUNCTION'} {qname(r.schema, r.name)}({identity_args(r.args)})"


def setting_value(value: str) -> str:
    """A `SET name = value` clause's value as pg_dump writes it: each element of a list a literal (`'64MB'`,
    `'public', 'pg_temp'`; unquoted, `64MB` does not parse). The server keeps a list element of search_path and
    the like double-quoted where needed (`SET search_path = ''` is stored `search_path=""`): as pg_dump does, the
    quotes are taken off (written `'""'`, the path would name a schema called `""`)."""
    return ", ".join("'" + _unquoted(x.strip()).replace("'", "''") + "'" for x in split_top_level(value))


def _unquoted(element: str) -> str:
    if len(element) >= 2 and element[0] == element[-1] == '"':
        return element[1:-1].replace('""', '"')
    return element


# -- triggers ------------------------------------------------------------------------------------------------

def qualified_function(name: str) -> str:
    schema, _, fn = name.rpartition(".")
    return qname(schema or "public", fn)


def create_trigger(t: Trigger) -> list[str]:
    sql = (f"CREATE {'CONSTRAINT ' if t.constraint else ''}TRIGGER {ident(t.name)} {t.timing} "
           f"{' OR '.join(t.events)} ON {qname(t.schema, t.table)}")
    if t.constraint:
        sql += f" {'' if t.deferrable else 'NOT '}DEFERRABLE INITIALLY {'DEFERRED' if t.initially_deferred else 'IMMEDIATE'}"
    if t.old_table or t.new_table:
        sql += " REFERENCING" + "".join(f" {kind} TABLE AS {ident(n)}" for kind, n in (("OLD", t.old_table),
                                                                                     ("NEW", t.new_table)) if n)
    sql += f" FOR EACH {t.for_each}"
    if t.when:
        sql += f" WHEN ({t.when})"
    args = ", ".join(t.args)
    return [f"{sql} EXECUTE FUNCTION {qualified_function(t.function)}({args})"]


# -- domains and composite types ----------------------------------------------------------------------------

def create_domain(d: Domain) -> list[str]:
    sql = f"CREATE DOMAIN {qname(d.schema, d.name)} AS {d.type}"
    if d.default is not None:
        sql += f" DEFAULT {column_default(d.default)}"
    if d.not_null:
        sql += " NOT NULL"
    for name, expr in d.checks:
        sql += f" CONSTRAINT {ident(name)} CHECK ({expr})"
    return [sql]


def alter_domain(c: oc.AlterDomain) -> list[str]:
    o, n = c.old, c.new
    at = f"ALTER DOMAIN {qname(n.schema, n.name)}"
    out = []
    if o.default != n.default:
        out.append(f"{at} DROP DEFAULT" if n.default is None else f"{at} SET DEFAULT {n.default}")
    if o.not_null != n.not_null:
        out.append(f"{at} {'SET' if n.not_null else 'DROP'} NOT NULL")
    new_checks = dict(n.checks)
    old_checks = dict(o.checks)
    out.extend(f"{at} DROP CONSTRAINT {ident(k)}" for k, e in o.checks if new_checks.get(k) != e)
    out.extend(f"{at} ADD CONSTRAINT {ident(k)} CHECK ({e})" for k, e in n.checks if old_checks.get(k) != e)
    return out


def create_composite(t: CompositeType) -> list[str]:
    attrs = ", ".join(f"{ident(n)} {typ}" for n, typ in t.attributes)
    return [f"CREATE TYPE {qname(t.schema, t.name)} AS ({attrs})"]


def alter_composite(c: oc.AlterComposite) -> list[str]:
    old, new = dict(c.old.attributes), dict(c.new.attributes)
    actions = [f"DROP ATTRIBUTE {ident(n)}" for n in old if n not in new]
    actions += [f"ALTER ATTRIBUTE {ident(n)} TYPE {t}" for n, _, t in c.retyped]
    actions += [f"ADD ATTRIBUTE {ident(n)} {t}" for n, t in c.new.attributes if n not in old]
    if c.reordered:
        return [f"DROP TYPE {qname(c.old.schema, c.old.name)}", *create_composite(c.new)]  # reordered
    return [f"ALTER TYPE {qname(c.new.schema, c.new.name)} " + ", ".join(actions)] if actions else []


# -- comments --------------------------------------------------------------------------------------------------

def comment_target(o: Any) -> str:
    """What COMMENT ON names the object by: `VIEW public.v`, `FUNCTION public.f(integer)`, `TRIGGER t ON x`."""
    if isinstance(o, View):
        return f"{_view_word(o)} {qname(o.schema, o.name)}"
    if isinstance(o, Routine):
        return f"{'PROCEDURE' if o.is_procedure else 'FUNCTION'} {qname(o.schema, o.name)}({identity_args(o.args)})"
    if isinstance(o, Trigger):
        return f"TRIGGER {ident(o.name)} ON {qname(o.schema, o.table)}"
    return f"{'DOMAIN' if isinstance(o, Domain) else 'TYPE'} {qname(o.schema, o.name)}"


def _rename_target(o: Any) -> str:
    """What ALTER … RENAME names the object by (as COMMENT ON does, a view also `VIEW`)."""
    return comment_target(o)


def comment_on(o: Any, text: str | None) -> str:
    return f"COMMENT ON {comment_target(o)} IS {quote_literal(text) if text is not None else 'NULL'}"


# -- the table of renderers -----------------------------------------------------------------------------------

_CREATE: dict[type, Callable[[Any], list[str]]] = {
    View: create_view, Routine: create_routine, Trigger: create_trigger, Domain: create_domain,
    CompositeType: create_composite,
}


def _create(o: Any) -> list[str]:
    """The object's CREATE statements, then its comment."""
    return _CREATE[type(o)](o) + ([comment_on(o, o.comment)] if o.comment is not None else [])


def _drop(o: Any) -> list[str]:
    if isinstance(o, View):
        return [f"DROP {_view_word(o)} {qname(o.schema, o.name)}"]
    if isinstance(o, Routine):
        return [drop_routine(o)]
    if isinstance(o, Trigger):
        return [f"DROP TRIGGER {ident(o.name)} ON {qname(o.schema, o.table)}"]
    return [f"DROP {'DOMAIN' if isinstance(o, Domain) else 'TYPE'} {qname(o.schema, o.name)}"]


def _replace(c: oc.ReplaceObject) -> list[str]:
    if isinstance(c.new, View):
        return create_view(c.new, or_replace=True)
    return _unchecked(create_routine(c.new, or_replace=True), c.unchecked_body)


def _unchecked(statements: list[str], unchecked: bool) -> list[str]:
    """A routine's statements with its body's check off, as pg_dump writes a dump (`check_function_bodies`): for
    those statements alone — SET LOCAL ends with the transaction (each migration's under `mizzle migrate`), and it
    is set on again after them, since drizzle-orm's migrator runs every pending migration in one transaction and
    the later ones count on the check. A body not checked at creation may read tables made later."""
    if not unchecked:
        return statements
    return [BODY_CHECK_OFF, *statements, BODY_CHECK_ON]


RENDER_OBJECTS: dict[type, Callable[..., list[str]]] = {
    oc.CreateObject: lambda c: _unchecked(_create(c.obj), c.unchecked_body),
    oc.DropObject: lambda c: _drop(c.obj),
    oc.ReplaceObject: _replace,
    oc.RenameObject: lambda c: [f"ALTER {_rename_target(c.old)} RENAME TO {ident(c.new.name)}"],
    oc.AddViewIndex: lambda c: [view_index(c.view, c.index)],
    oc.DropViewIndex: lambda c: [f"DROP INDEX {qname(c.view.schema, c.index.name)}"],
    oc.CommentObject: lambda c: [comment_on(c.obj, c.new)],
    oc.AlterDomain: alter_domain,
    oc.AlterComposite: alter_composite,
}
