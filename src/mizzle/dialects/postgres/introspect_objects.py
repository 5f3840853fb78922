"""A live database's objects beyond tables → the model (schema/objects.py), read as the server stores them:
`pg_get_viewdef`, reloptions and `pg_get_indexdef` for views and materialized views, `pg_proc` (the body as
`prosrc` keeps it, a SQL-standard body as `pg_get_function_sqlbody` prints it, arguments and result as
`pg_get_function_arguments` / `_result` print them) for functions and procedures, `pg_get_triggerdef` and
`tgargs` for triggers (constraint triggers too), `format_type` and `pg_get_constraintdef` for domains and
composite types. Objects an extension owns are the extension's, not the schema's: left out.

Not read (so not managed): aggregates and window functions, functions in C or `internal`, constraint triggers
naming a referenced table (`FROM`), views that read themselves (directly or through other views: no CREATE VIEW
makes them) with the views reading them and their triggers; they are reported by `unmanaged()`. A trigger's transition tables (`REFERENCING
OLD TABLE AS o NEW TABLE AS n`) are read by name from `tgoldtable` / `tgnewtable`, unquoted."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ...schema.objects import (
    DEFAULT_COST,
    DEFAULT_ROWS,
    CompositeType,
    Domain,
    Objects,
    Routine,
    Trigger,
    View,
    ViewIndex,
    clean_sql,
    make_objects,
)
from ...schema.row_types import split_top_level
from .expressions import check_expression, strip_parentheses
from .types import quote_literal


def _not_extension(catalog: str, oid: str) -> str:
    """Not an extension's member ('e'), nor part of another object ('i': a range type's constructor functions
    come and go with the type)."""
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} "
            "AND d.deptype IN ('e', 'i'))")


# the last columns: the views its query reads (its _RETURN rule's pg_depend; itself where it reads its own columns:
# every view's rule depends on its view as a whole, and another rule's statement names its columns as NEW.id), and
# whether its bare name finds it (pg_get_viewdef then prints a read of itself bare: `SELECT FROM v`, no column), and
# whether it is a materialized view left unpopulated (made WITH NO DATA, never refreshed: matview.sql's mvtest_error)
_Q_VIEWS = f"""
SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid), coalesce(c.reloptions, '{{}}'),
       obj_description(c.oid, 'pg_class'),
       coalesce((SELECT array_agg(DISTINCT ARRAY[rn.nspname::text, rc.relname::text]) FROM pg_rewrite r
                 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
                 JOIN pg_class rc ON rc.oid = d.refobjid AND rc.relkind IN ('v', 'm')
                 JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                 WHERE r.ev_class = c.oid AND r.rulename = '_RETURN' AND (d.refobjid <> c.oid OR d.refobjsubid > 0)),
                '{{}}'),
       to_regclass(quote_ident(c.relname)) IS NOT DISTINCT FROM c.oid, NOT c.relispopulated
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND c.relnamespace = ANY(%(ns)s) AND {_not_extension('pg_class', 'c.oid')}
"""

_Q_VIEW_INDEXES = """
SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid), ix.indisunique, am.amname,
       pg_get_expr(ix.indpred, ix.indrelid)
FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
WHERE t.relkind = 'm' AND t.relnamespace = ANY(%(ns)s)
"""

_Q_ROUTINES = f"""
SELECT n.nspname, p.proname, pg_get_function_arguments(p.oid),
       CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_get_function_result(p.oid) END,
       l.lanname, p.provolatile, p.proisstrict, p.prosecdef, p.proparallel, coalesce(p.proconfig, '{{}}'),
       CASE WHEN p.prosqlbody IS NULL THEN p.prosrc ELSE pg_get_function_sqlbody(p.oid) END,
       p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal'),
       p.procost, CASE WHEN p.proretset THEN p.prorows END, p.proleakproof, obj_description(p.oid, 'pg_proc')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = ANY(%(ns)s) AND {_not_extension('pg_proc', 'p.oid')}
"""

_Q_TRIGGERS = """
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), pn.nspname, p.proname, t.tgargs,
       obj_description(t.oid, 'pg_trigger'), t.tgoldtable, t.tgnewtable
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND c.relnamespace = ANY(%(ns)s)
  -- a partition's clone of its partitioned table's trigger (PostgreSQL 15 marks it not internal): the parent's
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
                  AND d.deptype = 'P')
"""

_Q_DOMAINS = f"""
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
       coalesce((SELECT array_agg(ARRAY[con.conname::text, pg_get_constraintdef(con.oid)] ORDER BY con.conname)
                 FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c'), '{{}}'),
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND t.typnamespace = ANY(%(ns)s) AND {_not_extension('pg_type', 't.oid')}
"""

_Q_COMPOSITES = f"""
SELECT n.nspname, t.typname,
       array_agg(ARRAY[a.attname::text, format_type(a.atttypid, a.atttypmod)] ORDER BY a.attnum),
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE t.typnamespace = ANY(%(ns)s) AND {_not_extension('pg_type', 't.oid')}
GROUP BY n.nspname, t.typname, t.oid
"""

_VOLATILITY = {"v": "volatile", "s": "stable", "i": "immutable"}
_PARALLEL = {"u": "unsafe", "r": "restricted", "s": "safe"}


# the queries, each taking the namespace oids as %(ns)s: introspection sends them in its own pipeline
QUERIES = (_Q_VIEWS, _Q_VIEW_INDEXES, _Q_ROUTINES, _Q_TRIGGERS, _Q_DOMAINS, _Q_COMPOSITES)


def read_objects(conn: Any, ns_oids: list[int], wants_table: Any = None) -> Objects:
    """The objects in the namespaces `ns_oids` (one pipeline of QUERIES)."""
    with conn.pipeline():
        cursors = [conn.execute(q, {"ns": ns_oids}) for q in QUERIES]
    return build_objects([c.fetchall() for c in cursors], wants_table)


def build_objects(results: list[list[tuple[Any, ...]]], wants_table: Any = None) -> Objects:
    """The objects from the rows of QUERIES, with a line in `unmanaged` for each one found that mizzle does
    not manage. `wants_table(schema, name)`: the tables (and views) in scope."""
    wants = wants_table or (lambda s, n: True)
    views, view_ix, routines, triggers, domains, composites = results
    skipped: list[str] = []
    made = _creatable(_views(views, view_ix, wants), _reads(views), skipped)
    cut = {(r[0], r[1]) for r in views} - {v.key for v in made}  # their triggers go with them
    items: list[Any] = list(made)
    items += _routines(routines, skipped)
    items += _triggers(triggers, lambda s, n: wants(s, n) and (s, n) not in cut, skipped)
    items += [Domain(name=r[1], type=r[2], schema=r[0], not_null=bool(r[3]), default=r[4],
                     checks=tuple((n, check_expression(d)) for n, d in r[5]), comment=r[6]) for r in domains]
    items += [CompositeType(name=r[1], schema=r[0], attributes=tuple((n, t) for n, t in r[2]), comment=r[3])
              for r in composites]
    return replace(make_objects(items), unmanaged=tuple(skipped))


def _views(rows: list[tuple[Any, ...]], index_rows: list[tuple[Any, ...]], wants: Any) -> list[View]:
    indexes: dict[tuple[str, str], list[ViewIndex]] = {}
    for schema, view, name, definition, unique, method, where in index_rows:
        indexes.setdefault((schema, view), []).append(
            ViewIndex(name=name, columns=_index_columns(definition, method), unique=bool(unique), method=method,
                      where=strip_parentheses(where) if where else None))
    out = []
    for schema, name, materialized, definition, reloptions, comment, _, _, unpopulated in rows:
        if not wants(schema, name):
            continue
        options = tuple(tuple(o.split("=", 1)) for o in reloptions)
        out.append(View(name=name, definition=clean_sql(definition), schema=schema, materialized=bool(materialized),
                        options=options, indexes=tuple(indexes.get((schema, name), ())),  # type: ignore[arg-type]
                        with_no_data=bool(materialized and unpopulated), comment=comment))
    return out


def _reads(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], set[Any]]:
    """The views each view of the rows of _Q_VIEWS reads: from pg_depend, and itself from its query (a read of no
    column of its own: `SELECT FROM v`)."""
    from .view_deps import reads_itself

    out: dict[tuple[str, str], set[Any]] = {}
    for schema, name, _, definition, _, _, reads, visible, _ in rows:
        out[(schema, name)] = {tuple(x) for x in reads}
        if reads_itself(definition, schema, name, bool(visible)):
            out[(schema, name)].add((schema, name))
    return out


def _creatable(views: list[View], reads: dict[tuple[str, str], set[Any]], skipped: list[str]) -> list[View]:
    """`views` but those no CREATE VIEW can make, each named in `skipped`: one that reads itself, directly or
    through other views (made again with CREATE OR REPLACE; PostgREST's test fixtures: `create or replace view
    self_recursive_view as table self_recursive_view`), and one reading such a view. `reads`: the views each reads."""
    def reached(k: Any) -> set[Any]:
        seen: set[Any] = set()
        todo = list(reads.get(k, ()))
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(reads.get(x, ()))
        return seen

    reach = {v.key: reached(v.key) for v in views}
    looped = {k for k, r in reach.items() if k in r}
    out = []
    for v in views:
        if v.key in looped:
            skipped.append(f"{v.label}: it reads itself, directly or through other views (made again with "
                           "CREATE OR REPLACE): no CREATE VIEW makes it")
        elif reach[v.key] & looped:
            via = ", ".join(".".join(k) for k in sorted(reach[v.key] & looped))
            skipped.append(f"{v.label}: it reads {via}, which reads itself")
        else:
            out.append(v)
    return out


def _index_columns(definition: str, method: str) -> str:
    """The text between the parentheses after `USING method` of a `pg_get_indexdef`."""
    start = definition.index(f" USING {method} (") + len(f" USING {method} (")
    depth, quote = 1, False
    for i in range(start, len(definition)):
        ch = definition[i]
        if ch == "'":
            quote = not quote
        elif not quote:
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                return definition[start:i]
    return definition[start:]


_MODES = ("OUT ", "INOUT ", "VARIADIC ")  # as pg_get_function_arguments prints them (IN is not printed)


def portable_args(args: str) -> str:
    """A routine's arguments as pg_get_function_arguments prints them, each parameter name a later PostgreSQL reads
    as a keyword quoted: the server quotes only its own keywords, so PostgreSQL 15 prints `json json` (PostgREST's
    varied_arguments), which 16's parser — and pglast's, which check and lint use — refuses, while 16 prints
    `"json" json` itself. The server keeps the name either way, so the quoted form reads back the same."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS

    out = []
    for a in split_top_level(args):
        mode = next((m for m in _MODES if a.startswith(m)), "")
        word, space, rest = a[len(mode):].partition(" ")
        if space and word in COL_NAME_KEYWORDS | RESERVED_KEYWORDS and not _parses(a) \
                and _parses(f'{mode}"{word}" {rest}'):  # a name, not a type's first word (`bit varying`)
            a = f'{mode}"{word}" {rest}'
        out.append(a)
    return ", ".join(out) if out != split_top_level(args) else args


def _parses(arg: str) -> bool:
    import pglast

    try:
        pglast.parse_sql(f"CREATE FUNCTION f({arg}) RETURNS int LANGUAGE sql AS ''")
    except pglast.parser.ParseError:
        return False
    return True


def _routines(rows: list[tuple[Any, ...]], skipped: list[str]) -> list[Routine]:
    out = []
    for (schema, name, args, result, lang, vol, strict, secdef, parallel, config, body, managed, cost, n_rows,
         leakproof, comment) in rows:
        if not managed:
            skipped.append(f"function {schema}.{name}({args}): an aggregate, a window function, a C or internal "
                           "function")
            continue
        if result is not None and result.startswith("TABLE("):  # its columns are printed as the arguments are
            result = f"TABLE({portable_args(result[6:-1])})"
        out.append(Routine(name=name, args=portable_args(args), body=body, returns=result, schema=schema,
                           language=lang, volatility=_VOLATILITY[vol], strict=bool(strict),
                           security_definer=bool(secdef),
                           parallel=_PARALLEL[parallel], cost=None if cost == DEFAULT_COST else cost,
                           rows=None if n_rows in (None, DEFAULT_ROWS) else n_rows, leakproof=bool(leakproof),
                           comment=comment,
                           config=tuple(sorted(tuple(c.split("=", 1)) for c in config))))  # type: ignore[misc]
    return out


# an identifier, maybe qualified, maybe quoted with spaces ("some trigger"); one character or one quoted part a
# step: `[^\s"]+` repeated by `+` backtracked exponentially in a name's length where the pattern then failed (a
# trigger with REFERENCING … TABLE on `public.community_actions`: Lemmy's pull never ended)
_NAME = r'(?:[^\s"]|"(?:[^"]|"")*")+'

_TRIGGER = re.compile(rf"CREATE (?P<constraint>CONSTRAINT )?TRIGGER {_NAME} (?P<timing>BEFORE|AFTER|INSTEAD OF) "
                      rf"(?P<events>.+?) ON {_NAME} "
                      r"(?:(?P<not>NOT )?DEFERRABLE INITIALLY (?P<initially>DEFERRED|IMMEDIATE) )?"
                      rf"(?:REFERENCING (?:OLD TABLE AS {_NAME} )?(?:NEW TABLE AS {_NAME} )?)?FOR EACH (?P<level>ROW|STATEMENT) (?:WHEN \((?P<when>.*)\) )?EXECUTE (?:FUNCTION|PROCEDURE) ",
                      re.S)


def _triggers(rows: list[tuple[Any, ...]], wants: Any, skipped: list[str]) -> list[Trigger]:
    out = []
    for schema, table, name, definition, fn_schema, fn_name, tgargs, comment, old_table, new_table in rows:
        if not wants(schema, table):
            continue
        m = _TRIGGER.match(definition)
        if m is None:
            # a constraint trigger FROM another table: the not-managed listing names it (unmanaged.py, for drift
            # and verify too); anything else not understood, here
            if not (definition.startswith("CREATE CONSTRAINT TRIGGER ") and " FROM " in definition):
                skipped.append(f"trigger {name} on {schema}.{table} ({definition})")
            continue
        args = bytes(tgargs).split(b"\0")[:-1] if tgargs else []
        out.append(Trigger(name=name, table=table, function=f"{fn_schema}.{fn_name}", schema=schema,
                           timing=m.group("timing"), events=tuple(m.group("events").split(" OR ")),
                           for_each=m.group("level"), when=m.group("when"),
                           args=tuple(quote_literal(a.decode()) for a in args), comment=comment,
                           constraint=bool(m.group("constraint")), deferrable=bool(m.group("initially") and not m.group("not")),
                           initially_deferred=m.group("initially") == "DEFERRED", old_table=old_table,
                           new_table=new_table))
    return out
