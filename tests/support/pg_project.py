"""A throwaway PostgreSQL project on disk: mizzle.toml + app/schema.py, and its config loaded fresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mizzle.config import load_config


def write_project(root: Path, source: str) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (root / "app" / "schema.py").write_text(source)


def write_drizzle_folder(root: Path, snapshot: dict[str, Any], sql: str, schema: str) -> None:
    """A drizzle-kit 0.x folder `root/drizzle` of one migration, 0000_init (its SQL and snapshot as given), and a
    mizzle.toml whose schema code is the module `schema` (a file name in `root`)."""
    meta = root / "drizzle" / "meta"
    meta.mkdir(parents=True)
    (meta / "0000_snapshot.json").write_text(json.dumps(snapshot, indent=2))
    (meta / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_init", "breakpoints": True}]}, indent=2))
    (root / "drizzle" / "0000_init.sql").write_text(sql)
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["{schema}"]\nout = "drizzle"\n')


def write_sql_folder(root: Path, migrations: list[tuple[str, str]]) -> Path:
    """A drizzle-kit 0.x folder `root/drizzle` of `migrations` (tag, SQL) with no snapshots, and a mizzle.toml
    (PostgreSQL, no schema code) using it; the folder's path."""
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True)
    entries = []
    for idx, (tag, sql) in enumerate(migrations):
        (out / f"{tag}.sql").write_text(sql)
        entries.append({"idx": idx, "version": "7", "when": 1700000000000 + idx, "tag": tag, "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return out


def fresh_config(root: Path):  # type: ignore[no-untyped-def]
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return load_config(root / "mizzle.toml")


def assert_clean(cfg, url: str, verify_url: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """After a migration: `generate --check` finds nothing, `drift` against `url` finds nothing, and `verify`
    (its scratch databases made through `verify_url`, by default `url`) replays the history without a divergence."""
    from mizzle.commands.drift import drift_for_config
    from mizzle.commands.generate import generate
    from mizzle.commands.verify import verify

    again = generate(cfg, check=True)
    assert not again.changes, [c.describe() for c in again.changes]
    d = drift_for_config(cfg, url=url)
    assert not d.drifted and not d.changes, d.changes
    v = verify(cfg, url=verify_url or url)
    assert v.ok, [(s.tag, s.changes) for s in v.steps if s.changes] + [v.code_changes, v.first_divergence]
