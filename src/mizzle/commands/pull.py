"""`pull`: an existing database → a SQLAlchemy schema module (see writer.py) + a baseline migration and snapshot,
so that `generate` right after finds no changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import collector, dialects
from ..errors import UsageError
from ..migrations.folder import MigrationFolder
from ..planning.tenant import refuse_tenant_folder

if TYPE_CHECKING:
    from ..config import Config
    from ..dburl import DatabaseURL
    from ..migrations.folder import Migration
    from ..schema.model import Schema
    from ..schema.scope import Scope
    from .pull_reading import CatalogueReading


@dataclass
class PullResult:
    url: str
    schema_path: Path
    tag: str
    sql_path: Path
    tables: int
    enums: int
    sequences: int
    warnings: list[str] = field(default_factory=list)
    unmanaged: list[str] = field(default_factory=list)  # what was not written (views, functions, …): one line a kind
    marked: bool = False  # the baseline was recorded as applied on the pulled database

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "schema": str(self.schema_path), "migration": self.tag, "sql": str(self.sql_path),
                "tables": self.tables, "enums": self.enums, "sequences": self.sequences, "marked": self.marked,
                "warnings": self.warnings, "unmanaged": self.unmanaged}


def schema_out_path(config: Config, schema_out: str | None) -> Path:
    """--schema-out, else the first file named by `schema` in the config."""
    if schema_out:
        return (Path.cwd() / schema_out).resolve()
    for pat in config.schema:
        if pat.endswith(".py") and not any(ch in pat for ch in "*?["):
            return (config.root / pat).resolve()
    raise UsageError("pull needs a file to write the schema module to",
                     "Pass --schema-out PATH, or name a file in `schema` in the config (e.g. app/db/schema.py).")


# the rows, the model, the module's text, the changes, the statements and the snapshot all live to the end of the
# call (1,000 tables: the collector's passes over them were a fifth of pull's CPU, finding nothing to free)
@collector.paused(freeze_after=True)
def pull(config: Config, url: str, *, schema_out: str | None = None, name: str = "baseline", force: bool = False,
         connect_timeout: float = 10, mark: bool = True) -> PullResult:
    """Introspect the database at `url` (within the config's schema_filter/tables_filter) and write the schema
    module and the baseline migration. Refuses to overwrite an existing module (unless `force`) or to add a
    baseline to a folder that already has migrations. With `mark`, the baseline is then recorded as applied on
    that database (it already has the schema), unless its tracking table belongs to another history."""
    from ..dburl import parse_url
    from ..sources.database import scope_for
    from .pull_reading import CatalogueReading

    refuse_tenant_folder(config, "pull")
    db = parse_url(url)
    target = schema_out_path(config, schema_out)
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; pull writes a new schema module",
                         "Pass --schema-out NEW_PATH, or --force to overwrite it.")
    folder = MigrationFolder(config.out_dir, config.dialect, config.layout)
    if folder.migrations():
        raise UsageError(f"{folder.path} already has migrations; a pulled baseline must be the first one",
                         "Pull into a new project (or another `out` folder); to compare a database with existing "
                         "migrations, use `mizzle drift`.")
    scope = scope_for(config)
    reading = CatalogueReading(db, scope, connect_timeout)  # the server reads while the writers import (a speed trick)
    m, result = _write(config, db, reading, target, folder, name)
    if mark:
        from ..errors import MizzleError
        from ..runner.recovery import record_pulled

        try:
            warnings = record_pulled(config, url=url, tag=m.tag, connect_timeout=connect_timeout)
        except MizzleError as e:
            e.message = f"{m.tag} was written but could not be recorded as applied on {db.masked}: {e.message}"
            e.details = (e.details + "\n" if e.details else "") + (
                "Record it later with `mizzle baseline`, or pass --no-mark to write the files only.")
            raise
        result.marked = not warnings
        result.warnings += warnings
    return result


def _write(config: Config, db: DatabaseURL, reading: CatalogueReading, target: Path, folder: MigrationFolder,
           name: str) -> tuple[Migration, PullResult]:
    """The read database's schema module and baseline written, the module checked against the baseline's snapshot
    (pull_round_trip.py). The writers are imported here, while `reading` runs (pull_reading.py)."""
    from ..migrations.folder import COMMIT, ROOT_ID
    from ..migrations.snapshots import snapshot_from_schema
    from ..planning.plan import lock_parts_warning
    from .pull_baseline import BaselineTexts
    from .pull_code import write_module
    from .pull_round_trip import RoundTrip, may_fork

    # written so that the module and the baseline build what the server stores now (not only the same meaning)
    model, bookkeeping = _without_bookkeeping(dialects.get(config.dialect).reapplicable(reading.model()))
    unmanaged: list[str] = reading.unmanaged  # rules, event triggers, foreign tables, …: listed, never written nor dropped
    if model.is_empty:  # extensions alone (or views, functions, grants) are a schema to pull
        _nothing_to_pull(config, db, model, unmanaged + bookkeeping)
    snap, side = snapshot_from_schema(model, prev_id=ROOT_ID)
    check = RoundTrip(config, target, snap, side)  # the module read back, once written (pull_round_trip.py)
    # the baseline's texts, computed beside the module's writing (pull_baseline.py); 1.x's layout dumps its own
    baseline = BaselineTexts(model, config.dialect, None if folder.uses_folders else snap, fork=may_fork(),
                             close_in_child=check.pipes)
    try:
        from ..sources.database import scope_for

        scope = scope_for(config)
        text = write_module(model, header=f"Database schema pulled by mizzle from {db.where}.",
                            outside=lambda sch: not scope.wants_schema(sch))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        check.written(text)
        sql, snap_text = baseline.get()
        parts_warning = lock_parts_warning(sql.count(f"\n-- {COMMIT}\n"))  # a baseline adds no enum values
        m = folder.add_migration(name, sql, snap, prefix=config.prefix, sidecar_entry=side, snapshot_text=snap_text)
        warnings = check.warnings()
    finally:
        baseline.close()
        check.close()
    result = PullResult(url=db.masked, schema_path=target, tag=m.tag, sql_path=m.sql_path, tables=len(model.tables),
                        enums=len(model.enums), sequences=len(model.sequences))
    result.unmanaged = unmanaged
    result.warnings = warnings + [f"not pulled (mizzle does not manage it): {x}" for x in model.objects.unmanaged]
    result.warnings += _reads_outside(model, scope) + _calls_outside(model, scope) + _functions_outside(model)
    result.warnings += _collations_unknown(model)
    result.warnings += bookkeeping + parts_warning
    return m, result


def _functions_outside(model: Schema) -> list[str]:
    """A warning per function of a schema the pulled model does not make that its defaults, checks, indexes,
    policies, views or SQL bodies call (Supabase's `auth.uid()` pulled with `schema_filter = ["public"]`): the
    baseline's statements fail wherever it is missing, as generate says of the same calls; a function whose quoted
    body calls it, made with the check off, fails when it is called."""
    from ..schema.model import Schema
    from ..schema.outside_calls import calls_outside

    reader = dialects.get(model.dialect).reader
    return [f"the baseline: {w}" for w in
            calls_outside(reader, Schema(dialect=model.dialect), model, bodies_checked=False)]


def _collations_unknown(model: Schema) -> list[str]:
    """A warning per collation the pulled columns and indexes name that the server has none of unless something
    makes it (`Dialect.unknown_collations`): Anki's `COLLATE unicase`, which Anki registers on its own connections,
    so the baseline's CREATE TABLE fails wherever it runs without it (mizzle's connections among them)."""
    from ..schema.model import Schema
    from .generate import collations_unknown

    return [f"the baseline names {w}" for w in
            collations_unknown(dialects.get(model.dialect), Schema(dialect=model.dialect), model, None)]


def _reads_outside(model: Schema, scope: Scope) -> list[str]:
    """A warning per view or SQL function reading a table or view that `schema_filter`/`tables_filter` leave out:
    the view is written as the server prints it, so the baseline's CREATE VIEW needs that relation wherever it
    runs (pagila's sales_by_store with `tables_filter = ["!payment*"]`); so does the CREATE FUNCTION of a
    SQL-standard body, and a quoted body, made with the check off, fails when it is called (pgflow's
    ensure_workers, reading vault.decrypted_secrets). The system catalogs (`pg_…`, information_schema) are not
    looked at."""
    from ..schema.changes import table_label
    from ..schema.objects import body_statements, is_standard_body

    rd = dialects.get(model.dialect).reader
    pulled = {t.key for t in model.tables} | {(v.schema, v.name) for v in model.objects.views}
    names = {name for _, name in pulled}  # an unqualified name may be read as the pulled relation of that name

    def outside(sql: str, schema: str) -> str:
        found = sorted({(s, r) for s, r in (rd.relations(sql, schema) if rd.parses(sql) else ())
                        if r not in names and not _system(s) and not r.startswith("pg_")
                        and not (scope.wants_schema(s) and scope.wants_table(s, r))})
        return ", ".join(table_label(k) for k in found)

    out = []
    for v in model.objects.views:
        if reads := outside(v.definition, v.schema):
            out.append(f"{'materialized view' if v.materialized else 'view'} {table_label((v.schema, v.name))} reads "
                       f"{reads}, outside what was pulled (schema_filter, tables_filter): the baseline's CREATE VIEW "
                       "needs it wherever the baseline runs")
    for r in model.objects.routines:
        if r.language == "sql" and (reads := outside(body_statements(r.body), r.schema)):
            out.append(f"{r.label} reads {reads}, outside what was pulled (schema_filter, tables_filter): " + (
                f"the baseline's CREATE {'PROCEDURE' if r.is_procedure else 'FUNCTION'} needs it wherever the "
                "baseline runs" if is_standard_body(r.body) else "it fails when it is called where the database "
                "has no such relation (its body is not checked when it is made)"))
    return out


def _system(schema: str) -> bool:
    """PostgreSQL's own schemas (`pg_catalog`, `pg_…`, information_schema): every database has what they hold."""
    return schema.startswith("pg_") or schema == "information_schema"


def _calls_outside(model: Schema, scope: Scope) -> list[str]:
    """A warning per trigger calling a function of a schema `schema_filter` leaves out: the trigger is pulled
    (its table is) and the function not, so the baseline's CREATE TRIGGER needs it wherever the baseline runs
    (sqlalchemy-searchable's `public.article_search_vector_update()` on an `app.article` pulled with
    `schema_filter = ["app"]`). PostgreSQL's own functions (`pg_catalog.tsvector_update_trigger`) are not named."""
    out = []
    for t in model.objects.triggers:
        schema, _, name = t.function.rpartition(".")
        if schema and not _system(schema) and not scope.wants_schema(schema):
            out.append(f"{t.label} calls function {schema}.{name}(), outside what was pulled "
                       "(schema_filter): the baseline's CREATE TRIGGER needs it wherever the baseline runs")
    return out


def _without_bookkeeping(model: Schema) -> tuple[Schema, list[str]]:
    """The model without other migration tools' bookkeeping (Alembic's `alembic_version`, Prisma's
    `_prisma_migrations`, …: schema/bookkeeping.py; not the application's schema: baseline and drift set them aside
    too), and a warning naming each."""
    from ..schema.bookkeeping import set_aside
    from ..schema.changes import table_label
    from ..schema.model import Schema

    model, found = set_aside(Schema(dialect=model.dialect), model)
    return model, [f"not pulled: {table_label((f.schema, f.kind.name))} ({f.kind.tool}'s bookkeeping, not the "
                   f"application's schema; mizzle leaves it alone: drop it once {f.kind.tool} is retired)"
                   for f in found]


def _nothing_to_pull(config: Config, db: DatabaseURL, model: Schema, unmanaged: list[str]) -> None:
    from ..sources.database import scope_for

    scope = scope_for(config)
    where = ", ".join(scope.schemas) if scope.schemas else "any schema"
    raise UsageError(f"nothing to pull: {db.masked} has no schemas, tables, enums, sequences, views, functions, "
                     f"extensions or grants in {where}",
                     "\n".join([*unmanaged, *(f"not pulled (mizzle does not manage it): {x}"
                                               for x in model.objects.unmanaged),
                                "Check the URL and `schema_filter` / `tables_filter` in the config."]))
