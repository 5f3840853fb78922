"""Other migration tools' bookkeeping tables: Alembic's `alembic_version`, Prisma Migrate's `_prisma_migrations`,
Django's `django_migrations`, Flyway's, Liquibase's, Knex's, … — the history of the tool that managed a database
before mizzle, not the application's schema. Prisma's own introspection leaves its table out for the same reason.

`baseline`, `drift`, `pull` and `push` set such a table aside (each says so in one line) unless the model it is
compared with has it. A table is recognised by its name AND the columns its tool gives it, so an application's own
`schema_migrations` or `migrations` table with other columns is still the application's."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Schema, Table

ALEMBIC_TABLE = "alembic_version"


@dataclass(frozen=True)
class Bookkeeping:
    name: str  # as the tool creates it (case kept: Sequelize's and Entity Framework's are quoted mixed case)
    tool: str
    columns: frozenset[str]  # the columns the tool's table always has
    only: frozenset[str] | None = None  # a generic name: the table has no column but these

    def matches(self, t: Table) -> bool:
        return self.matches_columns(t.name, {c.name for c in t.columns})

    def matches_columns(self, table: str, names: set[str]) -> bool:
        """Whether a table `table` of the columns `names` is this tool's."""
        return table == self.name and self.columns <= names and (self.only is None or names <= self.only)


def _b(name: str, tool: str, columns: str, only: str | None = None) -> Bookkeeping:
    return Bookkeeping(name, tool, frozenset(columns.split()), frozenset(only.split()) if only else None)


KNOWN = (
    _b(ALEMBIC_TABLE, "Alembic", "version_num"),
    _b("_prisma_migrations", "Prisma Migrate", "id checksum migration_name finished_at"),
    _b("django_migrations", "Django", "app name applied"),
    _b("flyway_schema_history", "Flyway", "installed_rank version script checksum"),
    _b("databasechangelog", "Liquibase", "id author filename dateexecuted"),
    _b("databasechangeloglock", "Liquibase", "id locked"),
    _b("knex_migrations", "Knex", "name batch migration_time"),
    _b("knex_migrations_lock", "Knex", "is_locked"),
    _b("kysely_migration", "Kysely", "name timestamp"),
    _b("kysely_migration_lock", "Kysely", "id is_locked"),
    _b("SequelizeMeta", "Sequelize", "name", "name"),
    _b("goose_db_version", "goose", "version_id is_applied"),
    # gobuffalo/pop (Buffalo apps); Ory's popx (kratos, hydra, keto) adds version_self
    _b("schema_migration", "gobuffalo/pop", "version", "version version_self"),
    _b("schema_migrations", "Rails, dbmate or golang-migrate", "version", "version dirty"),
    # `supabase db push` / `migration repair` keep it in schema supabase_migrations (newer CLIs add the last three)
    _b("schema_migrations", "the Supabase CLI", "version statements name",
       "version statements name created_by idempotency_key rollback"),
    _b("ar_internal_metadata", "Rails", "key value created_at updated_at", "key value created_at updated_at"),
    _b("__EFMigrationsHistory", "Entity Framework", "MigrationId ProductVersion"),
    _b("__diesel_schema_migrations", "Diesel", "version run_on"),
    _b("_sqlx_migrations", "SQLx", "version description installed_on checksum"),
    _b("pgmigrations", "node-pg-migrate", "id name run_on", "id name run_on"),
    _b("migrations", "TypeORM", "id timestamp name", "id timestamp name"),
    # where views or generated columns are declared, TypeORM records their definitions here (`metadataTableName`)
    _b("typeorm_metadata", "TypeORM", "type database schema table name value"),
    _b("mikro_orm_migrations", "MikroORM", "id name executed_at", "id name executed_at"),
    _b("atlas_schema_revisions", "Atlas", "version description type applied total executed_at"),
    # `wrangler d1 migrations apply` (Cloudflare D1; its migrations_dir often drizzle-kit's folder)
    _b("d1_migrations", "Wrangler", "id name applied_at", "id name applied_at"),
)


@dataclass(frozen=True)
class Found:
    schema: str
    kind: Bookkeeping

    def label(self, schemas: bool = True) -> str:
        """`schema.name` (`name` alone where the database has no schemas: SQLite)."""
        return f"{self.schema}.{self.kind.name}" if schemas else self.kind.name

    @property
    def is_alembic(self) -> bool:
        return self.kind.tool == "Alembic"


def bookkeeping_of(t: Table) -> Bookkeeping | None:
    return next((k for k in KNOWN if k.matches(t)), None) or _alembic_under_another_name(t)


def _alembic_under_another_name(t: Table) -> Bookkeeping | None:
    """Alembic's table under the name its `version_table` option gives it (Agenta keeps `alembic_version` and
    `alembic_version_oss`, one per chain, in one database): told by its one column and by the name Alembic always
    gives its primary key, `<table>_pkc`, which PostgreSQL's default (`<table>_pkey`) never is. Where the database
    keeps no name for a one-column key (SQLite), by a name holding `alembic_version` instead (fief's table prefix:
    `__FIEF__alembic_version`)."""
    pk = t.primary_key
    if [c.name for c in t.columns] != ["version_num"] or pk is None or pk.columns != ("version_num",):
        return None
    if pk.name == f"{t.name}_pkc" or (pk.name is None and not pk.server_name and ALEMBIC_TABLE in t.name):
        return Bookkeeping(t.name, "Alembic", KNOWN[0].columns, KNOWN[0].columns)
    return None


def listed(rows: list[tuple[str, str, tuple[str, ...]]]) -> list[Found]:
    """The other tools' bookkeeping tables among `rows` ((schema, table, columns): RunnerBackend.catalog_tables of
    the names in NAMES and those holding ALEMBIC_TABLE), told by name and columns as bookkeeping_of tells them. A
    catalog read, no introspection: Alembic's table under another name is told by its one column and its name alone
    (its key's name is not read)."""
    found = []
    for schema, name, columns in rows:
        kind = next((k for k in KNOWN if k.matches_columns(name, set(columns))), None)
        if kind is None and ALEMBIC_TABLE in name and list(columns) == ["version_num"]:
            kind = Bookkeeping(name, "Alembic", KNOWN[0].columns, KNOWN[0].columns)
        if kind is not None:
            found.append(Found(schema, kind))
    return found


NAMES = tuple(sorted({k.name for k in KNOWN}))


def set_aside(expected: Schema, live: Schema) -> tuple[Schema, list[Found]]:
    """`live` without the other tools' bookkeeping tables `expected` does not have, and those found."""
    found: list[Found] = []
    keep = []
    for t in live.tables:
        kind = bookkeeping_of(t) if expected.table(t.schema, t.name) is None else None
        if kind is None:
            keep.append(t)
        else:
            found.append(Found(t.schema, kind))
    return (_without(live, keep, found, expected) if found else live), found


def _without(live: Schema, keep: list[Table], found: list[Found], expected: Schema) -> Schema:
    """`live` keeping the tables `keep` only: the grants on those `found` go with them (Supabase's default privileges
    give every table anon's, authenticated's and service_role's: a Grant left behind names a table nothing makes),
    and so does a schema that held nothing else (the Supabase CLI's supabase_migrations) and its grants, unless
    `expected` has that schema."""
    from dataclasses import replace

    gone = {(f.schema, f.kind.name) for f in found}
    used: set[str] = {t.schema for t in keep} | {e.schema for e in live.enums}
    used |= {q.schema for q in live.sequences} | {str(getattr(o, "schema", "")) for o in live.objects.all()}
    empty = {f.schema for f in found if f.schema not in used and f.schema not in expected.schemas}
    security = live.security
    if security.grants:
        security = replace(security, grants=tuple(
            g for g in security.grants if not (g.on == "table" and (g.schema, g.name) in gone)
            and not (g.on == "schema" and g.name in empty)))
    return live.with_(tables=keep, schemas=[x for x in live.schemas if x not in empty], security=security)


def kept_undeclared(built: Schema, code: Schema) -> tuple[Schema, list[Found]]:
    """`code` (the schema code's model) with the bookkeeping tables `built` (the latest snapshot) holds and `code`
    does not declare, and those found. `pull` sets such a table aside, so the module it writes never declares one
    that the folder's own SQL made (supabase/auth's `auth.schema_migrations`): `generate` must not drop it."""
    found = [Found(t.schema, kind) for t in built.tables
             if code.table(t.schema, t.name) is None and (kind := bookkeeping_of(t)) is not None]
    if not found:
        return code, found
    from dataclasses import replace

    tables = [*code.tables, *(t for f in found if (t := built.table(f.schema, f.kind.name)) is not None)]
    schemas = [*code.schemas,
               *(s for s in built.schemas if s not in code.schemas and any(f.schema == s for f in found))]
    gone = {(f.schema, f.kind.name) for f in found}
    grants = [g for g in built.security.grants or () if g.on == "table" and (g.schema, g.name) in gone]
    security = replace(code.security, grants=(*(code.security.grants or ()), *grants)) if grants else code.security
    return code.with_(tables=tables, schemas=schemas, security=security), found


def kept_note(found: list[Found], where: str) -> str:
    """One line naming the bookkeeping tables `where` (the snapshot, what the migrations built) has and the schema
    code does not declare."""
    names = ", ".join(f"{f.schema}.{f.kind.name} ({f.kind.tool}'s)" for f in found)
    return (f"{where} holds bookkeeping-shaped table(s) the schema code does not declare: {names}; kept as they are, "
            "not dropped (pull sets such tables aside): declare one in the schema code to manage it, or drop it "
            "in a `generate --custom` migration")
