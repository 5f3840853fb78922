"""Migrations another tool applied and mizzle's tracking table does not record: Wrangler's `d1_migrations` (a
drizzle-kit folder applied with `wrangler d1 migrations apply`, cliftonc/fintune), Prisma Migrate's
`_prisma_migrations` (a Prisma folder `prisma migrate deploy` applied, documenso/documenso). With no tracking row,
`status` showed every migration pending and `migrate` ran the first `CREATE TABLE` into "already exists"; both now
name the other tool's record and the command adopting it (`mizzle baseline --to TAG`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..migrations.folder import Migration
from ..record import Record


class Adoption(Record):
    """What `history` (a dialects.base.OtherHistory) records of the folder's `migrations`."""

    def __init__(self, table: str, tool: str, recorded: list[str], total: int, last: str | None,
                 not_in_folder: list[str], gaps: list[str], rebuild: bool = False) -> None:
        self.table = table
        self.tool = tool
        self.recorded = recorded  # the folder's tags it lists, in the folder's order
        self.total = total  # the folder's migrations
        self.last = last  # the latest of them in the folder's order
        self.not_in_folder = not_in_folder  # names it lists that are no file of the folder
        self.gaps = gaps  # the folder's tags before `last` it does not list
        self.rebuild = rebuild  # `last` has no snapshot (a Prisma folder): baseline needs them rebuilt first

    @property
    def command(self) -> str | None:
        return f"mizzle baseline --to {self.last}" if self.last else None

    @property
    def commands(self) -> str:
        """`command` in backquotes, after the rebuild of the snapshots it compares with where the folder has none."""
        first = "`mizzle check --rebuild-snapshots` (the folder has no snapshots), then " if self.rebuild else ""
        return f"{first}`{self.command}`"

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "tool": self.tool, "records": len(self.recorded), "of": self.total,
                "last": self.last, "not_in_folder": self.not_in_folder, "gaps": self.gaps, "command": self.command,
                "rebuild_snapshots": self.rebuild}

    def summary(self) -> str:
        """One line: what it records, and how to adopt it."""
        if self.last is None:
            return (f"{self.table} ({self.tool}'s) lists {_n(len(self.not_in_folder), 'migration')}, none of them "
                    f"a file of this folder ({_few(self.not_in_folder)}): is `out` the folder {self.tool} applied? "
                    "If the database holds the schema of this folder's migrations already (a baseline `mizzle pull` "
                    "wrote), `mizzle baseline` records them as applied")
        line = (f"{self.table} ({self.tool}'s) records {len(self.recorded)} of this folder's {self.total} "
                f"migrations as applied, the last {self.last}, and mizzle's tracking table none: adopt them with "
                f"{self.commands} (it compares the database with {self.last}'s snapshot and records "
                f"{self.recorded[0] if len(self.recorded) == 1 else 'them'} as applied), then `mizzle migrate` "
                f"applies {_n(self.total - self.recorded_upto, 'later one')}")
        return line + "".join(self.details())

    @property
    def recorded_upto(self) -> int:
        return len(self.recorded) + len(self.gaps)

    def details(self) -> list[str]:
        out = []
        if self.gaps:
            out.append(f"; it does not list {_few(self.gaps)}, before {self.last}: `baseline --to {self.last}` "
                       "records them as applied too, so check that the database has their changes (baseline "
                       "compares it with the snapshot and refuses if not)")
        if self.not_in_folder:
            out.append(f"; it also lists {_few(self.not_in_folder)}, no file of this folder (renamed or deleted "
                       f"since {self.tool} applied it?)")
        return out


def other_tools(backend: Any, migrations: Sequence[Migration], state: Any) -> list[str]:
    """With migrations and no tracking row: a line naming the other migration tools' bookkeeping tables the database
    has (schema/bookkeeping.py: golang-migrate's `schema_migrations`, Alembic's `alembic_version`, Flyway's, …, read
    from the catalog: backend.catalog_tables) and pointing to `mizzle baseline`, as drift's note does; none without
    such a table (goharbor/harbor's database, golang-migrate's: status said only "N pending")."""
    from ..schema.bookkeeping import ALEMBIC_TABLE, NAMES, listed

    if state.rows or not migrations:
        return []
    tracking = backend.tracking
    found = [f for f in listed(backend.catalog_tables(NAMES, ALEMBIC_TABLE))
             if f.kind.name != tracking.table or (tracking.schema or "main") != f.schema]
    if not found:
        return []
    names = ", ".join(f"{f.kind.tool}'s {f.label(tracking.schema is not None)}" for f in found)
    return [f"no migration is recorded as applied here, and the database has {names}: if it already holds the schema "
            "of these migrations (built by that tool), `mizzle baseline` records them as applied after checking it "
            "matches (`mizzle drift` shows how it differs); `mizzle migrate` would run them from the first"]


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _few(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def adoption(backend: Any, migrations: Sequence[Migration], state: Any) -> Adoption | None:
    """What another tool's record on the database (backend.other_history()) says of the folder's `migrations`, when
    mizzle's tracking table has no row (`state`, a tracking.DatabaseState); None otherwise, or with no such record."""
    if state.rows:
        return None
    return recorded_elsewhere(backend, migrations)


def recorded_elsewhere(backend: Any, migrations: Sequence[Migration]) -> Adoption | None:
    """What another tool's record on the database (backend.other_history()) says of the folder's `migrations`,
    whatever mizzle's tracking table holds; None with no such record (or no migrations)."""
    if not migrations:
        return None
    history = backend.other_history()
    if history is None or not history.names:
        return None
    listed = set(history.names)
    known: set[str] = set()
    recorded: list[int] = []
    for i, m in enumerate(migrations):
        name = m.tag + history.suffix  # Wrangler's file of the folder (it reads the flat layout only), Prisma's folder
        known.add(name)
        if name in listed:
            recorded.append(i)
    not_in_folder = [n for n in history.names if n not in known]
    if not recorded:
        return Adoption(history.table, history.tool, [], len(migrations), None, not_in_folder, [])
    last = recorded[-1]
    gaps = [migrations[i].tag for i in range(last) if i not in recorded]
    m = migrations[last]
    snapshot = m.snapshot_path or (m.sql_path.parent / "snapshot.json" if m.sql_path.name == "migration.sql" else None)
    return Adoption(history.table, history.tool, [migrations[i].tag for i in recorded], len(migrations),
                    migrations[last].tag, not_in_folder, gaps, rebuild=snapshot is not None and not snapshot.exists())
