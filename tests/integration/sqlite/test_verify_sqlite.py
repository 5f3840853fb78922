"""`mizzle verify` and `check --rebuild-snapshots` on SQLite: the folder is replayed into a temporary database
file, compared with every snapshot and the schema code; the file is gone afterwards whatever happened."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork
from sqlite_support import write_project
from test_sqlite_history import STEPS

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.migrations.folder import MigrationFolder


def history(root: Path, steps: int) -> None:
    for i, source in enumerate(STEPS[:steps], start=1):
        assert generate(write_project(root, source), name=f"step{i}").written


def run(args: list[str], cwd: Path, tmpdir: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TMPDIR"] = str(tmpdir)
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_whole_sqlite_history_verifies(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    history(root, len(STEPS))  # rebuilds, renames, type and nullability changes, a foreign key added
    result = verify(write_project(root, STEPS[-1]))
    assert result.ok, result.to_json()
    assert mizzle.verify(write_project(root, STEPS[-1])).ok  # the API function, though mizzle.commands.verify is imported too
    assert [s.tag for s in result.steps] == [f"{i:04d}_step{i + 1}" for i in range(len(STEPS))]
    assert all(s.compared for s in result.steps) and result.code_changes == []
    assert result.to_json()["scratch"] == "a temporary SQLite file"
    assert not (root / "mizzle.db").exists()  # the project's own database is not touched


def test_hand_edited_sqlite_file_is_named(tmp_path: Path) -> None:
    root, tmpdir = tmp_path / "proj", tmp_path / "tmp"
    tmpdir.mkdir()
    history(root, 2)
    edited = MigrationFolder(root / "migrations", "sqlite").migrations()[1].sql_path
    text = edited.read_text()
    assert "DEFAULT 0" in text
    edited.write_text(text.replace("DEFAULT 0", "DEFAULT 7"))
    r = run(["verify"], root, tmpdir)
    assert r.returncode == 3, r.stderr
    assert r.stderr.startswith("error: 0001_step2: the database its SQL builds differs from its snapshot"), r.stderr
    assert "default 0 → 7" in r.stderr  # both values, as on PostgreSQL
    assert list(tmpdir.iterdir()) == []  # the scratch file is removed after a failure too
    # the schema code is compared as well
    edited.write_text(text)
    write_project(root, STEPS[1].replace('    sa.Column("bio", sa.Text),\n',
                                         '    sa.Column("bio", sa.Text),\n    sa.Column("shoe", sa.Integer),\n'))
    r = run(["verify", "--json"], root, tmpdir)
    assert r.returncode == 3 and "differs from the schema code" in r.stderr
    out = json.loads(r.stdout)
    assert out["first_divergence"] is None and out["schema_code_changes"] == ["+ column users.shoe integer"]
    assert list(tmpdir.iterdir()) == []


def test_a_unique_index_the_sql_does_not_create_is_named(tmp_path: Path) -> None:
    """srcbook's 0010: the snapshot has the unique index of `.unique()`, the SQL creating the table does not (a
    separate file outside the journal did). No other unique index on the column stands for it: a difference."""
    root = tmp_path / "proj"
    history(root, 1)
    sql = MigrationFolder(root / "migrations", "sqlite").migrations()[0].sql_path
    text = sql.read_text()
    kept = [s for s in text.split("--> statement-breakpoint") if "users_email_unique" not in s]
    assert len(kept) == text.count("--> statement-breakpoint")  # exactly one statement left out
    sql.write_text("--> statement-breakpoint".join(kept))
    result = verify(write_project(root, STEPS[0]))
    assert result.steps[0].changes == ["- index users_email_unique on users"], result.steps[0].changes


def test_rebuild_sqlite_snapshots(tmp_path: Path) -> None:
    root, tmpdir = tmp_path / "proj", tmp_path / "tmp"
    tmpdir.mkdir()
    history(root, 4)
    meta = root / "migrations" / "meta"
    third = json.loads((meta / "0002_snapshot.json").read_text())
    (meta / "0002_snapshot.json").write_text("{ not json")
    assert run(["check"], root, tmpdir).returncode == 3
    r = run(["check", "--rebuild-snapshots"], root, tmpdir)
    assert r.returncode == 0, r.stderr
    assert "rebuilt the snapshot of 0002_step3" in r.stdout and "1 snapshot(s) rebuilt, 3 kept" in r.stdout
    rebuilt = json.loads((meta / "0002_snapshot.json").read_text())
    assert (rebuilt["id"], rebuilt["prevId"], rebuilt["dialect"]) == (third["id"], third["prevId"], "sqlite")
    assert run(["check"], root, tmpdir).returncode == 0
    assert verify(write_project(root, STEPS[3])).ok
    # the API function, twice (the first call imports the submodule of the same name)
    assert not mizzle.generate(config=write_project(root, STEPS[3])).written
    assert not mizzle.generate(config=write_project(root, STEPS[3])).written
    assert list(tmpdir.iterdir()) == []


def test_a_partial_index_written_with_backticks_is_the_snapshots_where(tmp_path: Path) -> None:
    """generalaction/emdash's 0022_automation_run_projection writes `CREATE UNIQUE INDEX … WHERE
    \\`automation_run_id\\` IS NOT NULL AND \\`deleted_at\\` IS NULL` by hand, its snapshot saying drizzle-kit's
    `"tasks"."automation_run_id" IS NOT NULL AND "tasks"."deleted_at" IS NULL`; SQLite keeps the text as written,
    and the backticks (SQLite's, MySQL's quotes, not PostgreSQL's) made the predicate unreadable to the comparison,
    which then compared the two texts: verify and drift reported a `where` difference at every later step."""
    root = tmp_path / "proj"
    source = ('import sqlalchemy as sa\nmetadata = sa.MetaData()\n'
              't = sa.Table("tasks", metadata, sa.Column("id", sa.Integer, primary_key=True),\n'
              '    sa.Column("automation_run_id", sa.Text), sa.Column("deleted_at", sa.Integer), sa.Column("n", sa.Integer),\n'
              '    sa.CheckConstraint("n > 0", name="tasks_n_check"))\n'
              'sa.Index("idx_tasks_active_automation_run_id", t.c.automation_run_id, unique=True,\n'
              '    sqlite_where=sa.text(\'"tasks"."automation_run_id" IS NOT NULL AND "tasks"."deleted_at" IS NULL\'))\n')
    assert generate(write_project(root, source), name="init").written
    (sql,) = (root / "migrations").glob("0000_*.sql")
    text = sql.read_text()
    written = text[text.index("CREATE UNIQUE INDEX"):]
    hand = ("CREATE UNIQUE INDEX `idx_tasks_active_automation_run_id`\n\tON `tasks` (`automation_run_id`)\n"
            "\tWHERE `automation_run_id` IS NOT NULL AND `deleted_at` IS NULL;")
    sql.write_text(text.replace(written, hand).replace('"n" > 0', "`n` > 0").replace("n > 0", "`n` > 0"))
    assert "`n` > 0" in sql.read_text()
    result = verify(write_project(root, source))
    assert [s.changes for s in result.steps] == [[]], result.to_json()


def test_a_key_drizzle_kit_added_without_its_actions_gets_a_note(tmp_path: Path) -> None:
    """drizzle-kit 0.31 writes a SQLite column added with a foreign key as `ALTER TABLE … ADD c … REFERENCES p(id)`,
    leaving out the key's ON DELETE / ON UPDATE that its snapshot keeps (its SQLiteAlterTableAddColumnConvertor;
    generalaction/emdash's 0014 and 0035: `ssh_connection_id text REFERENCES ssh_connections(id)`, the snapshot
    saying `set null`). verify still reports the difference, with a note that drizzle-kit's SQL did it, not a hand
    edit."""
    root = tmp_path / "proj"
    base = ('import sqlalchemy as sa\nmetadata = sa.MetaData()\n'
            'sa.Table("conns", metadata, sa.Column("id", sa.Text, primary_key=True))\n'
            'sa.Table("ws", metadata, sa.Column("id", sa.Integer, primary_key=True)')
    assert generate(write_project(root, base + ")\n"), name="init").written
    later = base + ',\n    sa.Column("conn_id", sa.Text, sa.ForeignKey("conns.id", ondelete="SET NULL")))\n'
    assert generate(write_project(root, later), name="conn").written
    (sql,) = (root / "migrations").glob("0001_*.sql")
    sql.write_text("ALTER TABLE `ws` ADD `conn_id` text REFERENCES conns(id);\n")  # drizzle-kit 0.31's SQL
    result = verify(write_project(root, later))
    step = result.steps[1]
    assert step.changes and all("conn_id" in c or "foreign key" in c for c in step.changes), step.changes
    assert len(step.notes) == 1 and step.notes[0].startswith("foreign key on ws (conn_id): drizzle-kit's SQL"), \
        step.notes
    assert "on delete set null" in step.notes[0]
