"""SQLite changes → SQL, spelled as drizzle-kit spells it (backticked identifiers, inline constraints).

A table rebuild is framed by `PRAGMA foreign_keys=OFF` / `ON` statements, as drizzle-kit frames it; they
are no-ops inside a transaction, so mizzle's SQLite runner runs every migration with foreign keys off and
checks `PRAGMA foreign_key_check` before it commits (see runner.py).
"""

from __future__ import annotations

import re

from ...errors import UsageError
from ...planning.plan import PlannedStatement
from ...schema import changes as ch
from ...schema.model import Column, Index, Table
from ...schema.table_features import table_options_text
from .rebuild import RebuildTable
from .types import AUTOINCREMENT, collate_sql, index_element_sql, quote_literal
from .views import view_sql

FK_OFF = "PRAGMA foreign_keys=OFF"
FK_ON = "PRAGMA foreign_keys=ON"
NEW_PREFIX = "__new_"


def bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def dq(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def render(changes: list[ch.Change]) -> list[PlannedStatement]:
    """The statements of `changes`. Rebuilds are framed by one FK_OFF … FK_ON; the rebuilt tables' indexes follow
    the last one, except the unique indexes of a table rebuilt before others: those follow its own rebuild (see
    _early_uniques)."""
    out: list[PlannedStatement] = []
    rebuilds = [c for c in changes if isinstance(c, RebuildTable)]
    pending_indexes: list[PlannedStatement] = []
    for c in changes:
        if isinstance(c, RebuildTable):
            if c is rebuilds[0]:
                out.append(PlannedStatement(FK_OFF, c))
            body, idx = _rebuild(c)
            out.extend(body)
            later = rebuilds[rebuilds.index(c) + 1:]
            early = _early_uniques(c, later)
            out.extend(PlannedStatement(create_index(c.new.name, ix), c) for ix in early)
            pending_indexes.extend(p for p, ix in zip(idx, c.new.indexes, strict=True) if ix not in early)
            if not later:
                out.append(PlannedStatement(FK_ON, c))
                out.extend(pending_indexes)
            continue
        for sql in _sql(c):
            out.append(PlannedStatement(sql, c))
    return out


def _early_uniques(c: RebuildTable, later: list[RebuildTable]) -> list[Index]:
    """The unique indexes of rebuilt table `c` made right after its rebuild rather than after the last one: a later
    rebuild's `DROP TABLE`, under a migrator that keeps foreign keys on (drizzle-orm's), checks the keys that reach
    `c` and fails with 'foreign key mismatch' while the unique a key references is missing (Airflow's dag_run, then
    dag_version rebuilt). Not one whose name a later rebuilt table still holds (SQLite's index names are the
    database's): that one waits for the old table's drop."""
    held = {ix.real_name for r in later for ix in r.old.indexes}
    return [ix for ix in c.new.indexes if later and ix.unique and ix.real_name not in held]


def _sql(c: ch.Change) -> list[str]:
    if isinstance(c, ch.CreateTable):
        return [create_table(c.table)]
    if isinstance(c, ch.DropTable):
        return [f"DROP TABLE {bq(c.table.name)};"]
    if isinstance(c, ch.RenameTable):
        return [f"ALTER TABLE {bq(c.old[1])} RENAME TO {bq(c.new[1])};"]
    if isinstance(c, ch.RenameColumn):
        return [f"ALTER TABLE {bq(c.table[1])} RENAME COLUMN {dq(c.old)} TO {dq(c.new)};"]
    if isinstance(c, ch.AddColumn):
        return [f"ALTER TABLE {bq(c.table[1])} ADD {column_sql(c.column, single_pk=False)};"]
    if isinstance(c, ch.DropColumn):
        return [f"ALTER TABLE {bq(c.table[1])} DROP COLUMN {bq(c.column.name)};"]
    if isinstance(c, ch.CreateIndex):
        return [create_index(c.table[1], c.index)]
    if isinstance(c, ch.DropIndex):
        return drop_index(c.index)
    if isinstance(c, (ch.RenameConstraint, ch.SetTableComment)):
        return []
    views = view_sql(c)  # a view made, dropped or replaced
    if views is not None:
        return views
    raise UsageError(f"SQLite cannot do this: {c.describe()}",
                     "SQLite has no schemas, enums, sequences, extensions, row-level security, policies, roles or grants; "
                     "keep them out of a sqlite project's schema.")


def column_sql(c: Column, single_pk: bool) -> str:
    parts = [bq(c.name), c.type]
    if c.collation is not None:
        parts.append(collate_sql(c.collation))
    if single_pk:
        parts.append("PRIMARY KEY")
        if c.identity == AUTOINCREMENT:
            parts.append("AUTOINCREMENT")
    if c.default is not None and c.generated is None:
        parts.append(f"DEFAULT {c.default}")
    if c.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({c.generated}) {'VIRTUAL' if c.generated_virtual else 'STORED'}")
    if c.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


def create_table(t: Table, name: str | None = None) -> str:
    name = name or t.name
    pk = t.primary_key
    single = pk.columns[0] if pk and len(pk.columns) == 1 else None
    lines = [column_sql(c, c.name == single) for c in t.columns]
    if pk and single is None:
        lines.append(f"PRIMARY KEY({', '.join(bq(c) for c in pk.columns)})")
    for f in t.foreign_keys:
        lines.append(f"FOREIGN KEY ({', '.join(bq(c) for c in f.columns)}) REFERENCES {bq(f.ref_table)}"
                     f"({', '.join(bq(c) for c in f.ref_columns)}) ON UPDATE {f.on_update} ON DELETE {f.on_delete}"
                     f"{deferral_sql(f.deferrable)}")
    for k in t.checks:
        expr = k.expression
        if name != t.name:  # drizzle-kit's spelling; SQLite rewrites the qualifier back on RENAME
            expr = re.sub(re.escape(dq(t.name)) + r"\.", dq(name) + ".", expr)
        lines.append(f"CONSTRAINT {dq(k.name)} CHECK({expr})")
    # STRICT, WITHOUT ROWID after the body (a rebuild's `__new_t` too: the options go with the table)
    options = " " + table_options_text((t.strict, t.without_rowid)) if t.strict or t.without_rowid else ""
    return f"CREATE TABLE {bq(name)} (\n" + ",\n".join("\t" + line for line in lines) + f"\n){options};\n"


def deferral_sql(deferrable: str | None) -> str:
    """A foreign key's DEFERRABLE clause, as PostgreSQL's DDL writes it: SQLite defers the check to the COMMIT for
    INITIALLY DEFERRED only (Django's keys), and a rebuilt table keeps it."""
    return f" DEFERRABLE INITIALLY {deferrable.upper()}" if deferrable else ""


def drop_index(ix: Index) -> list[str]:
    """An index under the name the server has where it is not the code's (`baseline` took it from the database it
    adopted: optuna's Alembic-made `trials_study_id_key` for the code's `ix_trials_study_id`) is dropped under both,
    IF EXISTS: a database the folder's own SQL built has the code's name, and SQLite has no conditional DDL to
    rename it first (PostgreSQL's form: postgres/ddl.py to_server_name)."""
    if ix.server_name and ix.server_name != ix.name:
        return [f"DROP INDEX IF EXISTS {bq(ix.server_name)};", f"DROP INDEX IF EXISTS {bq(ix.name)};"]
    return [f"DROP INDEX {bq(ix.real_name)};"]


def create_index(table: str, ix: Index) -> str:
    cols = ",".join(index_element_sql(c.expression, c.is_expression, c.collation) for c in ix.columns)
    where = f" WHERE {ix.where}" if ix.where else ""
    return f"CREATE {'UNIQUE ' if ix.unique else ''}INDEX {bq(ix.real_name)} ON {bq(table)} ({cols}){where};"


def _rebuild(c: RebuildTable) -> tuple[list[PlannedStatement], list[PlannedStatement]]:
    t, old = c.new, c.old
    tmp = NEW_PREFIX + t.name
    copied = [col for col in t.columns if col.generated is None and old.column(col.name) is not None]
    targets = ", ".join(dq(col.name) for col in copied)
    sources = ", ".join(_copy_expr(col, old.column(col.name)) for col in copied)  # type: ignore[arg-type]
    rowid = _rowid_name(old, t)
    if rowid is not None and copied:
        targets, sources = f"{rowid}, {targets}", f"{rowid}, {sources}"
    body = [create_table(t, tmp)]
    if copied:
        body.append(f"INSERT INTO {bq(tmp)}({targets}) SELECT {sources} FROM {bq(t.name)};")
    body += _keep_sequence(t.name, tmp) if _autoincrement(t) and _autoincrement(old) else []
    body += [f"DROP TABLE {bq(t.name)};", f"ALTER TABLE {bq(tmp)} RENAME TO {bq(t.name)};"]
    return ([PlannedStatement(s, c) for s in body],
            [PlannedStatement(create_index(t.name, ix), c) for ix in t.indexes])


def _rowid_name(old: Table, new: Table) -> str | None:
    """The name the copy reads and writes the rowid by, for a table without a primary key before and after: its
    rows are known by rowid alone (sqlite-utils' tables inserted without --pk, whose FTS index `content="t"` holds
    their rowids), which the copy would number from 1 again. SQLite's first of its three names no column takes. A
    table with a key is left as drizzle-kit copies it: it may be WITHOUT ROWID in the database (not modelled), where
    no rowid can be read."""
    if old.primary_key is not None or new.primary_key is not None:
        return None
    taken = {c.name.lower() for c in (*old.columns, *new.columns)}
    return next((n for n in ("rowid", "_rowid_", "oid") if n not in taken), None)


def _autoincrement(t: Table) -> bool:
    return any(c.identity == AUTOINCREMENT for c in t.columns)


def _keep_sequence(name: str, tmp: str) -> list[str]:
    """AUTOINCREMENT's one promise is never to hand out a key again, not even a deleted row's; SQLite keeps it in
    `sqlite_sequence`, whose row for the table goes with its DROP. The copied rows give the new table only the
    largest key still present (none if it is empty), so the old table's mark is carried over before the drop, and
    the RENAME moves it along (GnuCash's `slots`, rebuilt on the way from a 2.6 book to 3.x's schema, handed out
    the ids of slots deleted before the migration). Both tables are AUTOINCREMENT, so `sqlite_sequence` exists."""
    old, new = quote_literal(name), quote_literal(tmp)
    mark = f"(SELECT seq FROM sqlite_sequence WHERE name = {old})"
    return [f"UPDATE sqlite_sequence SET seq = {mark} WHERE name = {new} AND seq < {mark};",
            f"INSERT INTO sqlite_sequence (name, seq) SELECT {new}, seq FROM sqlite_sequence WHERE name = {old} "
            f"AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {new});"]


def _copy_expr(new: Column, old: Column) -> str:
    """The SELECT expression copying a column: a column that becomes NOT NULL takes its default where the
    old rows hold NULL (the rebuild would fail on them otherwise)."""
    if new.not_null and not old.not_null and new.default is not None and new.default.lower() != "null":
        return f"COALESCE({dq(old.name)}, {new.default}) AS {dq(new.name)}"
    return dq(old.name)
