"""The checks a serial column kept through a rename must pass (test_serial_renamed_table.py, …_column.py): the
sequence keeps its old name, and the snapshot still says serial."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pgtools import temp_database, url_for

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate


def folder_of(root: Path, first_sql: str, rename_sql: str, snapshots: list[dict]) -> Path:  # type: ignore[type-arg]
    """A two-migration drizzle-kit folder (the second renames) with its snapshots, and its mizzle.toml, under `root`."""
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    (folder / "0000_a.sql").write_text(first_sql)
    (folder / "0001_b.sql").write_text(rename_sql)
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
               for i, tag in enumerate(("0000_a", "0001_b"))]
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}))
    for i, snap in enumerate(snapshots):
        (folder / "meta" / f"000{i}_snapshot.json").write_text(json.dumps(snap, indent=2))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return folder


def check_kept_serial(tmp_path: Path, folder: Path, sequence: str, module: str) -> None:
    """verify passes, the rebuilt last snapshot is the folder's, drift after migrate finds nothing, pull writes the
    kept `sequence`, and generate --check with the pulled module (as `module`) against the folder finds nothing."""
    root = folder.parent
    config = load_config(root / "mizzle.toml")
    result = verify(config, url=url_for("postgres"))
    assert result.ok, [s.changes for s in result.steps]
    original = json.loads((folder / "meta" / "0001_snapshot.json").read_text())
    (folder / "meta" / "0001_snapshot.json").unlink()
    rebuild_snapshots(config, scratch_url=url_for("postgres"))
    rebuilt = json.loads((folder / "meta" / "0001_snapshot.json").read_text())
    assert rebuilt["tables"] == original["tables"] and rebuilt["sequences"] == {}
    with temp_database("mzser") as url:
        migrate(url=url, folder=folder)
        assert not drift(url=url, folder=folder).changes
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
        pull(load_config(pulled / "mizzle.toml"), url, mark=False)
        assert sequence in (pulled / "schema.py").read_text()  # pull writes what the server holds
    (root / f"{module}.py").write_text((pulled / "schema.py").read_text())
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "drizzle"\nschema = ["{module}.py"]\n')
    try:
        assert not generate(load_config(root / "mizzle.toml"), check=True).changes
    finally:
        sys.modules.pop(module, None)
