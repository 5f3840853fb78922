"""Ask the server how it stores the objects beyond tables of an expected model (views, functions, triggers,
domains, composite types) that do not already equal the live ones: each is created, in a transaction that is
rolled back, under a name of its own in a scratch schema standing for its own
(`mz_canon_obj_<n>`; a trigger on a copy of its table
made there with `LIKE`), and read back by the queries introspection reads the live database with. An object
the server refuses (a view over a table that is not there) stays as written, so it differs. A materialized
view is made there without the access method it names (not compared, and no part of how its query is stored):
a snapshot's `"using": "btree"`, which the server refuses for a table, left its query compared as written."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ...schema.model import Schema
from ...schema.objects import Routine, Trigger, View, make_objects
from .ddl import qname
from .objects_ddl import RENDER_OBJECTS, dollar_quote


def object_server_forms(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` with each object that differs from `actual`'s replaced by the server's own form of it."""
    live = set(actual.objects.all())
    todo = [o for o in expected.objects.all() if o not in live]
    if not todo:
        return expected
    from ...schema.object_changes import CreateObject

    scratch = {s: f"mz_canon_obj_{n}" for n, s in enumerate(sorted({o.schema for o in todo}))}
    script = [f"CREATE SCHEMA {name};" for name in scratch.values()]
    tables: set[tuple[str, str]] = set()
    for no, o in enumerate(todo):  # under a name of its own: read back by it
        moved = replace(o, schema=scratch[o.schema], name=f"mz_o_{no}")
        if isinstance(moved, View):
            moved = replace(moved, using=None)
        if isinstance(o, Trigger) and (o.schema, o.table) not in tables:
            tables.add((o.schema, o.table))
            script.append(_guarded(f"CREATE TABLE {qname(moved.schema, o.table)} (LIKE {qname(o.schema, o.table)})"))
        for sql in RENDER_OBJECTS[CreateObject](CreateObject(moved)):
            script.append(_guarded(sql))
    from .introspect_objects import read_objects

    with conn.transaction(force_rollback=True):
        conn.execute("\n".join(script), prepare=False)
        oids = [r[0] for r in conn.execute("SELECT oid FROM pg_namespace WHERE nspname = ANY(%(n)s)",
                                           {"n": list(scratch.values())}).fetchall()]
        read = read_objects(conn, oids)
    forms = {(o.kind, o.name): o for o in read.all()}
    out = [o for o in expected.objects.all() if o in live]
    for no, o in enumerate(todo):
        form = forms.get((o.kind, f"mz_o_{no}"))
        if isinstance(form, Routine) and form.standard_body:
            form = _named_parameters(conn, form, o.name)
        out.append(o if form is None else replace(form, schema=o.schema, name=o.name))
    return replace(expected, objects=make_objects(out))


def _named_parameters(conn: Any, form: Routine, name: str) -> Routine:
    """A SQL-standard body read back under its scratch name: PostgreSQL prints a parameter qualified by the
    function's name where it must (`INSERT … VALUES (ins.x)`), so the scratch name is put back to the real one."""
    quoted = conn.execute("SELECT quote_ident(%s)", (name,)).fetchone()[0]
    return replace(form, body=re.sub(rf'(?<![\w."]){re.escape(form.name)}\.', lambda _: f"{quoted}.", form.body))


def _guarded(sql: str) -> str:
    """`sql` run so that a refusal leaves the transaction usable (the object is then read back as missing)."""
    literal = "'" + sql.replace("'", "''") + "'"
    return f"DO {dollar_quote(f'BEGIN EXECUTE {literal}; EXCEPTION WHEN others THEN NULL; END')};"
