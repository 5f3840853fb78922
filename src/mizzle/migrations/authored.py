"""The author's spelling of a folder's SQL texts, for `check --rebuild-snapshots` (issue 15 item 5).

A database keeps an expression as it deparses it (`pg_get_expr`, `pg_get_viewdef`), not as the migration wrote
it; drizzle-kit's snapshot holds what the author wrote (the migration's own text). A snapshot rebuilt from the
server's spelling makes drizzle-kit, run afterwards on the same TypeScript, see changed defaults, checks,
indexes, views and policies. So the replay also reads each migration's SQL (the dialect's `authored_sql` hook
records, per fact, the text the SQL gave it last: column types, defaults, generated expressions, NOT NULL,
checks, index expressions and predicates, view queries, policy expressions), and every fact of the replayed
model whose authored text the server stores as it stores its own (same key; else the server asked, in a
transaction rolled back) takes the authored text. Anything else keeps the server's: a fact the SQL changed in
a way the reader did not follow is never misstated.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..schema.model import Column, Index, Schema, Table, always_true, where_key

TableKey = tuple[str, str]


@dataclass
class AuthoredTexts:
    """What the SQL read so far wrote, per fact (names as the server folds them). Filled by a dialect's
    `authored_sql.read`; facts the reader could not follow are simply absent."""

    # (schema, table, column) → {"type": text, "default": text | None, "generated": text, "not_null": bool}
    columns: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    checks: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (schema, table, name) → expression
    # (schema, index name) → {"table": (schema, table), "where": text | None, "exprs": {position: text},
    #                         "opclasses": {column: name}, "concurrently": bool,
    #                         "expr_opclasses": {position: name} (only when the SQL names one)}
    indexes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    views: dict[tuple[str, str], str] = field(default_factory=dict)  # (schema, name) → query
    no_data: set[tuple[str, str]] = field(default_factory=set)  # materialized views made WITH NO DATA
    view_using: dict[tuple[str, str], str] = field(default_factory=dict)  # materialized view → its USING method
    # roles the SQL creates (CREATE ROLE), with drizzle-kit's attributes: {"create_db", "create_role", "inherit"}
    roles: dict[str, dict[str, bool]] = field(default_factory=dict)
    # using, with_check; to (its roles, where the server stores others: `current_role`, `a, public`)
    policies: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    # the renames the latest migration read states (ALTER … RENAME), dotted as a ChangeSet holds them: a rebuilt
    # snapshot's `_meta` (`migrations.snapshots.meta_of`), which `revert` and drizzle-kit read as renames
    renamed_tables: dict[str, str] = field(default_factory=dict)  # "schema.old" → "schema.new"
    renamed_columns: dict[str, str] = field(default_factory=dict)  # "schema.table.old" → "schema.table.new"
    renamed_schemas: dict[str, str] = field(default_factory=dict)
    renamed_constraints: dict[str, str] = field(default_factory=dict)  # "schema.table.old" → "new"
    renamed_sequences: dict[str, str] = field(default_factory=dict)  # "schema.old" → "schema.new"

    def column(self, table: TableKey, name: str) -> dict[str, Any]:
        return self.columns.setdefault((table[0], table[1], name), {})

    def drop_table(self, table: TableKey) -> None:
        for k3 in [k for k in self.columns if k[:2] == table]:
            del self.columns[k3]
        for k3 in [k for k in self.checks if k[:2] == table]:
            del self.checks[k3]
        for k3 in [k for k in self.policies if k[:2] == table]:
            del self.policies[k3]
        for k2 in [k for k, v in self.indexes.items() if v["table"] == table]:
            del self.indexes[k2]

    def rename_table(self, old: TableKey, new: TableKey) -> None:
        for k in [k for k in self.columns if k[:2] == old]:
            self.columns[(new[0], new[1], k[2])] = self.columns.pop(k)
        for k in [k for k in self.checks if k[:2] == old]:
            self.checks[(new[0], new[1], k[2])] = self.checks.pop(k)
        for k in [k for k in self.policies if k[:2] == old]:
            self.policies[(new[0], new[1], k[2])] = self.policies.pop(k)
        for v in self.indexes.values():
            if v["table"] == old:
                v["table"] = new

    def rename_column(self, table: TableKey, old: str, new: str) -> None:
        if (table[0], table[1], old) in self.columns:
            self.columns[(table[0], table[1], new)] = self.columns.pop((table[0], table[1], old))

    def drop_column(self, table: TableKey, name: str) -> None:
        self.columns.pop((table[0], table[1], name), None)


def with_authored(live: Schema, texts: AuthoredTexts, memo: dict[TableKey, Any] | None = None) -> Schema:
    """`live` with every fact the SQL wrote in the SQL's spelling (not yet checked against the server). `memo`
    (one per replay): see `_table_remembered`."""
    idx_by_table: dict[TableKey, dict[str, dict[str, Any]]] = {}
    for (_, name), v in texts.indexes.items():
        idx_by_table.setdefault(v["table"], {})[name] = v
    tables = [_table_remembered(t, texts, idx_by_table.get(t.key, {}), memo) for t in live.tables]
    views = []
    for o in live.objects.all():
        text = texts.views.get((o.schema, o.name)) if getattr(o, "kind", None) == "view" else None
        if text is not None:
            o = replace(o, definition=text, with_no_data=(o.schema, o.name) in texts.no_data,
                        using=texts.view_using.get((o.schema, o.name)))
        views.append(o)
    from ..schema.objects import make_objects

    return live.with_(tables=tables, objects=make_objects(views), security=_with_roles(live, texts))


def _with_roles(live: Schema, texts: AuthoredTexts) -> Any:
    """`live`'s security with the roles the SQL created that it does not list (introspection reads the roles a
    policy or a grant names; a role nothing names yet is still the folder's: drizzle-kit's snapshot has it)."""
    if not texts.roles:
        return live.security
    from ..schema.security import Role, make_security

    sec = live.security
    have = {r.name for r in sec.roles or ()}
    extra = [Role(n, a["create_db"], a["create_role"], a["inherit"]) for n, a in texts.roles.items() if n not in have]
    if not extra:
        return sec
    return make_security(sec.extensions, [*(sec.roles or ()), *extra], sec.grants)


def _table_remembered(t: Table, texts: AuthoredTexts, indexes: dict[str, dict[str, Any]],
                      memo: dict[TableKey, Any] | None) -> Table:
    """Speed: `_table`, the very table of the previous step when the live table is the same object and the texts
    read for it are equal (compared as data, not hashed). What it buys: a table whose authored texts differ from
    the server's spelling is otherwise made again (dataclass `replace` per column) after every migration, and,
    as a new object, misses every identity memo after it (apply's, the canonical forms')."""
    if memo is None:
        return _table(t, texts, indexes)
    texts_now = ([texts.columns.get((t.schema, t.name, c.name)) for c in t.columns],
                 [texts.checks.get((t.schema, t.name, c.name)) for c in t.checks], indexes,
                 [texts.policies.get((t.schema, t.name, p.name)) for p in t.policies])
    last = memo.get(t.key)
    if last is not None and last[0] is t and last[1] == texts_now:
        return last[2]  # type: ignore[no-any-return]
    out = _table(t, texts, indexes)
    memo[t.key] = (t, copy.deepcopy(texts_now), out)  # the reader updates the texts' dicts in place
    return out


def _table(t: Table, texts: AuthoredTexts, indexes: dict[str, dict[str, Any]]) -> Table:
    cols = [_column(c, texts.columns.get((t.schema, t.name, c.name))) for c in t.columns]
    checks = [c if (e := texts.checks.get((t.schema, t.name, c.name), c.expression)) == c.expression
              else replace(c, expression=e) for c in t.checks]
    ixs = []
    for i in t.indexes:
        a = indexes.get(i.name)
        if a is not None:
            cols_i = tuple(replace(ic, expression=a["exprs"][k]) if ic.is_expression and k in a["exprs"] else ic
                           for k, ic in enumerate(i.columns))
            named = a.get("opclasses") or {}  # the server drops a default one; the SQL (and its snapshot) has it
            cols_i = tuple(replace(ic, opclass=named[ic.expression])
                           if not ic.is_expression and ic.expression in named
                           and _same_opclass(ic.opclass, named[ic.expression]) else ic
                           for ic in cols_i)
            on_expr = a.get("expr_opclasses") or {}  # an expression's, by position (giselle's pgvector indexes)
            cols_i = tuple(replace(ic, opclass=on_expr[k])
                           if ic.is_expression and k in on_expr and _same_opclass(ic.opclass, on_expr[k]) else ic
                           for k, ic in enumerate(cols_i))
            # a predicate the server folds away (`WHERE true`, drizzle-kit's own tests) is the SQL's too
            keep_where = a["where"] and (i.where is not None or always_true(a["where"]))
            i = replace(i, columns=cols_i, where=a["where"] if keep_where else i.where,
                        concurrently=bool(a.get("concurrently")))
        ixs.append(i)
    pols = []
    for p in t.policies:
        a = texts.policies.get((t.schema, t.name, p.name))
        if a is not None:
            p = replace(p, using=a.get("using") if p.using is not None and a.get("using") else p.using,
                        with_check=a.get("with_check") if p.with_check is not None and a.get("with_check")
                        else p.with_check, to=tuple(a["to"]) if a.get("to") else p.to)
        pols.append(p)
    return _same_or(t, columns=tuple(cols), checks=tuple(checks), indexes=tuple(ixs), policies=tuple(pols))


def _same_opclass(server: str | None, authored: str) -> bool:
    """Whether the SQL's operator class is the server's: none (the server drops a default one: drizzle-kit's
    `.op("uuid_ops")`), or the server's but for the schema the server prints it with (`public.gin_trgm_ops`, for
    an operator class outside pg_catalog) — the SQL's bare name found that very one through the search_path."""
    if server is None:
        return True
    _, dot, name = server.rpartition(".")
    return bool(dot) and "." not in authored and name.strip('"').replace('""', '"') == authored


def _same_or(t: Table, **parts: Any) -> Table:
    """Speed: `t` itself when every part is made of the very same objects (no authored text changed anything),
    else `t` with the parts. The rebuild applies the texts to ~70 tables after each of ~200 migrations, and most
    come out unchanged: an unchanged table stays the same object, which `apply`'s comparisons and memo then
    settle by identity instead of field by field."""
    for name, items in parts.items():
        mine = getattr(t, name)
        if len(mine) != len(items) or any(a is not b for a, b in zip(mine, items, strict=True)):
            return replace(t, **parts)
    return t


def _unsized(type_: str) -> str:
    return re.sub(r"(\[\d*\])+$", "", type_)


def _column(c: Column, a: dict[str, Any] | None) -> Column:
    if not a:
        return c
    kw: dict[str, Any] = {}
    if a.get("default"):  # kept where the server stores it as it stores the database's (`DEFAULT NULL`: none)
        kw["default"] = a["default"]
    if c.generated is not None and a.get("generated"):
        kw["generated"] = a["generated"]
    if a.get("type") and (c.type_schema is None or _unsized(a["type"]) == _unsized(c.type)):
        kw["type"] = a["type"]  # a user type's (an enum's) array sizes too: `enum2[3]`, which the server drops
    if "not_null" in a:
        kw["declared_not_null"] = bool(a["not_null"])
        if c.is_serial and not a["not_null"]:
            kw["not_null"] = False
    if all(getattr(c, k) == v for k, v in kw.items()):  # speed: nothing to change, the same object (see _same_or)
        return c
    return replace(c, **kw)


def keep_equivalent(live: Schema, authored: Schema, stored: Schema, dialect: Any) -> Schema:
    """Per fact: `authored`'s text where `stored` (the authored model as the server stores it) equals `live`'s
    by the dialect's keys, else `live`'s."""
    r = dialect.reader
    tables = []
    for t in live.tables:
        a, s = authored.table(*t.key), stored.table(*t.key)
        tables.append(t if a is None or s is None else _keep_table(t, a, s, r, dialect))
    live_views = {(o.kind, o.schema, o.name): o for o in live.objects.all()}
    stored_views = {(o.kind, o.schema, o.name): o for o in stored.objects.all()}
    objs = []
    for o in authored.objects.all():
        k = (o.kind, o.schema, o.name)
        same = o == live_views.get(k) or stored_views.get(k) == live_views.get(k) or (
            o.kind == "view" and _query_same(r, o.definition, live_views[k].definition))
        if not same:
            o = replace(live_views[k], with_no_data=o.with_no_data, using=o.using) if o.kind == "view" \
                else live_views[k]
        objs.append(o)
    from ..schema.objects import make_objects

    return live.with_(tables=tables, objects=make_objects(objs))


def _query_same(r: Any, a: str, b: str) -> bool:
    try:
        return bool(r.query_key(a) == r.query_key(b))
    except Exception:  # noqa: BLE001 - a query the reader cannot read: not the same
        return False


def _keep_table(t: Table, a: Table, s: Table, r: Any, dialect: Any) -> Table:
    ek = r.expression_key
    cols = []
    for c, ac, sc in zip(t.columns, a.columns, s.columns, strict=True):
        kw: dict[str, Any] = {"declared_not_null": ac.declared_not_null}
        if ac.default != c.default and r.default_key(sc.default, c.type, c.type_schema is not None) == \
                r.default_key(c.default, c.type, c.type_schema is not None):
            kw["default"] = dialect.authored_sql.snapshot_default(ac.default, c.type, c.type_schema is not None)
        if ac.generated != c.generated and ek(sc.generated) == ek(c.generated):
            kw["generated"] = ac.generated
        if ac.type != c.type and dialect.authored_sql.same_type(ac.type, c.type):
            kw["type"] = ac.type
        if c.is_serial and not ac.not_null:  # serial without NOT NULL: the server's NOT NULL is the type's
            kw["not_null"] = False
        cols.append(replace(c, **kw))
    checks = [ac if ek(sc.expression) == ek(c.expression) else c
              for c, ac, sc in zip(t.checks, a.checks, s.checks, strict=True)]
    indexes = [_keep_index(i, ai, si, ek) for i, ai, si in zip(t.indexes, a.indexes, s.indexes, strict=True)]
    pols = [ap if ek(sp.using) == ek(p.using) and ek(sp.with_check) == ek(p.with_check) else p
            for p, ap, sp in zip(t.policies, a.policies, s.policies, strict=True)]
    return replace(t, columns=tuple(cols), checks=tuple(checks), indexes=tuple(indexes), policies=tuple(pols))


def _keep_index(i: Index, a: Index, s: Index, ek: Any) -> Index:
    where = a.where if where_key(ek, s.where) == where_key(ek, i.where) else i.where
    cols = tuple(ac if ek(sc.expression) == ek(ic.expression) else ic
                 for ic, ac, sc in zip(i.columns, a.columns, s.columns, strict=True))
    return replace(i, where=where, columns=cols, concurrently=a.concurrently)  # the SQL's word: the server has none


class AuthoredReader:
    """The authored texts of a folder read migration by migration (`read`), and applied to each replayed model
    (`apply`, with the replay's connection: the server is asked what it stores for an authored text)."""

    def __init__(self, dialect_name: str) -> None:
        from .. import dialects

        self.dialect = dialects.get(dialect_name)
        self.texts = AuthoredTexts()
        self.tables_seen: dict[Any, Table] = {}  # (authored, live) → the table kept (see apply)
        # speed: per table, the latest (authored, live, kept): found by identity, a frozen Table is not hashed (a
        # hash of every field, every step, for every table)
        self.last_seen: dict[TableKey, tuple[Table, Table, Table]] = {}
        self.authored_seen: dict[TableKey, Any] = {}  # see _table_remembered
        self.objects_seen: dict[Any, Any] = {}

    def read(self, sql: str) -> None:
        for renamed in (self.texts.renamed_tables, self.texts.renamed_columns, self.texts.renamed_schemas):
            renamed.clear()  # the latest migration's only
        self.dialect.authored_sql.read(sql, self.texts)

    def renames(self) -> dict[str, dict[str, str]]:
        """The renames the latest migration read states, as a snapshot's `_meta` holds them."""
        from .snapshots import meta_of

        t = self.texts
        return meta_of(t.renamed_columns, t.renamed_schemas, t.renamed_tables)

    def apply(self, live: Schema, conn: Any) -> Schema:
        authored = with_authored(live, self.texts, self.authored_seen)
        if authored == live and _same_declared(authored, live):
            return live
        # tables and objects already decided (the same authored and live forms at an earlier step) are not asked
        # of the server again: most of them do not change from one migration to the next
        done_t: dict[TableKey, Table] = {}
        for t in authored.tables:
            lt = live.table(*t.key)
            last = self.last_seen.get(t.key)  # speed: the very objects of the step before, without hashing them
            hit = last[2] if last is not None and last[0] is t and last[1] is lt else \
                self.tables_seen.get(_table_key(t, lt))
            if hit is not None:
                done_t[t.key] = hit
                if lt is not None:
                    self.last_seen[t.key] = (t, lt, hit)
        live_o = {(o.kind, o.key): o for o in live.objects.all()}
        done_o = {k: hit for o in authored.objects.all() for k in [(o.kind, o.key)]
                  if not _reads_star(o) and (hit := self.objects_seen.get(_object_key(o, live_o[k]))) is not None}
        a_part = authored.with_(tables=[t for t in authored.tables if t.key not in done_t],
                                objects=[o for o in authored.objects.all() if (o.kind, o.key) not in done_o])
        l_part = live.with_(tables=[t for t in live.tables if t.key not in done_t],
                            objects=[o for k, o in live_o.items() if k not in done_o])
        stored = a_part
        if conn is not None and (a_part.tables or a_part.objects):
            stored = self.dialect.object_forms(conn, self.dialect.server_forms(conn, a_part, l_part), l_part)
        kept = keep_equivalent(l_part, a_part, stored, self.dialect)
        for t in kept.tables:
            a_t, l_t = a_part.table(*t.key), l_part.table(*t.key)
            done_t[t.key] = self.tables_seen[_table_key(a_t, l_t)] = t
            if a_t is not None and l_t is not None:
                self.last_seen[t.key] = (a_t, l_t, t)
        kept_o = {(o.kind, o.key): o for o in kept.objects.all()}
        a_o = {(o.kind, o.key): o for o in a_part.objects.all()}
        for k, o in kept_o.items():
            done_o[k] = self.objects_seen[_object_key(a_o[k], live_o[k])] = o
        kept_all = live.with_(tables=[done_t[t.key] for t in live.tables],
                              objects=[done_o[(o.kind, o.key)] for o in live.objects.all()], security=authored.security)
        # what the server spells its own way and the SQL said in one word (PostgreSQL: a serial kept through a
        # table's rename, see canonical_tables.serials_renamed)
        out = self.dialect.declared_forms(kept_all, authored) if self.dialect.canonical_forms else kept_all
        return self._unauthored_defaults(out)

    def _unauthored_defaults(self, model: Schema) -> Schema:
        """`model` with the column defaults no statement read spells (a DO block's ALTER TABLE … ADD COLUMN) as
        drizzle-kit's snapshot states them (the dialect's `unauthored_default`), not in the server's spelling."""
        cols = self.texts.columns
        hook = self.dialect.authored_sql.unauthored_default
        tables = []
        for t in model.tables:
            new = tuple(c if c.default is None or (cols.get((t.schema, t.name, c.name)) or {}).get("default")
                        or (d := hook(c.default, c.type)) == c.default else replace(c, default=d)
                        for c in t.columns)
            tables.append(t if all(a is b for a, b in zip(new, t.columns, strict=True)) else replace(t, columns=new))
        if all(a is b for a, b in zip(tables, model.tables, strict=True)):
            return model
        return model.with_(tables=tables)


def _table_key(a: Table | None, b: Table | None) -> Any:
    """A memo key of (authored, live) tables, with the fields equality ignores (declared NOT NULL, the server names
    of keys, constraints and indexes)."""
    def extra(t: Table | None) -> Any:
        if t is None:
            return None
        return (tuple(c.declared_not_null for c in t.columns), t.primary_key.server_name if t.primary_key else None,
                tuple(u.server_name for u in t.uniques), tuple(f.server_name for f in t.foreign_keys),
                tuple(i.server_name for i in t.indexes))

    return (a, b, extra(a), extra(b))


def _reads_star(o: Any) -> bool:
    """Whether a view's authored query may read `*` (`SELECT t.*`): PostgreSQL expands it when the view is made,
    so what the server stores for the text changes when a column is added to what it reads, while the view made
    earlier keeps its columns (langfuse's traces_view). Its answer is asked again at every step, never remembered."""
    return o.kind == "view" and "*" in o.definition


def _object_key(a: Any, b: Any) -> Any:
    """A memo key of (authored, live) objects, with the fields equality ignores (a comment: a COMMENT ON in a later
    migration than the object's CREATE, supabase/auth's on auth.uid(), is a new key, not the step before's object)."""
    return tuple(getattr(o, f, None) for f in ("with_no_data", "using", "comment") for o in (a, b)) + (a, b)


def _same_declared(a: Schema, b: Schema) -> bool:
    return all(x.declared_not_null == y.declared_not_null
               for ta, tb in zip(a.tables, b.tables, strict=True) for x, y in zip(ta.columns, tb.columns, strict=True))
