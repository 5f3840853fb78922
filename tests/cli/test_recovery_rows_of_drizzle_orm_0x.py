"""`mark`, `baseline` and `drop` on a database drizzle-orm 0.x migrated, with its folder converted by drizzle-kit
1.x's own `up` (folders named to the second; the rows' created_at keep the journal's milliseconds). On vercel/
ai-chatbot's folder converted so, `mark <latest> --applied` recorded a second row of an applied migration,
`baseline` refused ("9 applied migration(s) that the folder does not list") and `drop` would have removed the
latest migration the database had applied: they matched created_at exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.migrations.folder import MigrationFolder

T0 = 1_767_225_600_000


def _applied_by_drizzle_orm_0x(tmp_path: Path, url: str) -> list[str]:
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_rx.py"]\nout = "drizzle"\n'
                                          '[migrations]\nlayout = "folders"\n')
    for i, extra in enumerate(("", ', sa.Column("nick", sa.Text)')):
        (tmp_path / "schema_rx.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n"
                                               f'users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True){extra})\n')
        sys.modules.pop("schema_rx", None)
        assert generate(load_config(tmp_path / "mizzle.toml"), name=f"m{i}", now_ms=T0 + i * 60_000).written
    migrations = MigrationFolder(tmp_path / "drizzle", "postgresql").migrations()
    with psycopg.connect(url, autocommit=True) as c:
        for m in migrations:
            c.execute(m.sql_path.read_text().replace("--> statement-breakpoint", ""))
        c.execute("CREATE SCHEMA drizzle")
        c.execute("CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, "
                  "created_at bigint)")
        for i, m in enumerate(migrations):
            c.execute("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)",
                      (m.hash, m.when + 383 + i))
    return [m.tag for m in migrations]


def _count(url: str) -> int:
    with psycopg.connect(url) as c:
        return c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone()[0]  # type: ignore[index]


def test_mark_baseline_and_drop_know_the_rows_drizzle_orm_0x_wrote(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    tags = _applied_by_drizzle_orm_0x(tmp_path, url)
    r = run_mizzle(["mark", tags[-1], "--applied", "--reason", "check"], cwd=tmp_path, url=url)
    assert r.code == 0 and "already applied" in r.stdout + r.stderr, r.stdout + r.stderr
    assert _count(url) == 2
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert _count(url) == 2
    r = run_mizzle(["drop"], cwd=tmp_path, url=url)
    assert r.code != 0 and "is applied on" in r.stderr, r.stdout + r.stderr
    assert (tmp_path / "drizzle" / tags[-1] / "migration.sql").is_file()


def test_drop_is_not_refused_for_a_row_of_an_earlier_migration_of_the_same_text(tmp_path: Path, pg_url,  # type: ignore[no-untyped-def]
                                                                                  run_mizzle) -> None:
    """Two empty custom migrations have one hash: the earlier's row (drizzle-orm 0.x's, of its second) is not the
    latest's, which drop removes."""
    url = pg_url()
    _applied_by_drizzle_orm_0x(tmp_path, url)
    config = load_config(tmp_path / "mizzle.toml")
    for i in (2, 3):
        assert generate(config, name=f"c{i}", custom=True, now_ms=T0 + i * 60_000).written
    first, latest = MigrationFolder(tmp_path / "drizzle", "postgresql").migrations()[-2:]
    assert first.hash == latest.hash
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)",
                  (first.hash, first.when + 512))
    r = run_mizzle(["drop"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert not (tmp_path / "drizzle" / latest.tag).exists()


def test_mark_applied_rerecords_the_hash_of_the_row_found_by_its_second(tmp_path: Path, pg_url,  # type: ignore[no-untyped-def]
                                                                        run_mizzle) -> None:
    """A file changed since drizzle-orm 0.x applied it: `mark --applied` re-records its hash in the row found by its
    second. The row's UPDATE keyed created_at by the migration's `when`, found no row and said it had (fx92)."""
    url = pg_url()
    tags = _applied_by_drizzle_orm_0x(tmp_path, url)
    sql = tmp_path / "drizzle" / tags[-1] / "migration.sql"
    sql.write_text(sql.read_text() + "\n-- reviewed\n")
    r = run_mizzle(["status"], cwd=tmp_path, url=url)
    assert "modified" in (r.stdout + r.stderr).lower(), r.stdout + r.stderr
    r = run_mizzle(["mark", tags[-1], "--applied", "--reason", "reviewed"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    latest = MigrationFolder(tmp_path / "drizzle", "postgresql").migrations()[-1]
    with psycopg.connect(url) as c:
        hashes = [h for (h,) in c.execute("SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at")]
    assert hashes[-1] == latest.hash and _count(url) == 2
    r = run_mizzle(["status"], cwd=tmp_path, url=url)
    assert r.code == 0 and "modified" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr


def test_the_promotion_gate_knows_the_rows_drizzle_orm_0x_wrote_in_staging(tmp_path: Path, pg_url,  # type: ignore[no-untyped-def]
                                                                            run_mizzle) -> None:
    """Staging migrated by drizzle-orm 0.x, the folder since converted by drizzle-kit 1.x's `up`: production
    promotes what staging applied (the gate matched created_at exactly and refused both as "not applied in
    staging"), and still refuses a migration staging has not applied."""
    staging, production = pg_url("mzstg"), pg_url("mzprd")
    tags = _applied_by_drizzle_orm_0x(tmp_path, staging)
    config = load_config(tmp_path / "mizzle.toml")
    assert generate(config, name="c2", custom=True, now_ms=T0 + 2 * 60_000).written  # not applied in staging
    r = run_mizzle(["migrate", "--require-applied-in", staging, "--to", tags[-1]], cwd=tmp_path, url=production)
    assert r.code == 0, r.stdout + r.stderr
    assert _count(production) == 2
    r = run_mizzle(["migrate", "--require-applied-in", staging], cwd=tmp_path, url=production)
    assert r.code == 6 and "not applied in" in r.stderr and "_c2" in r.stderr, r.stdout + r.stderr
    assert _count(production) == 2
