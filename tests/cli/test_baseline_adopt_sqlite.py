"""Adopting a SQLite database that `create_all` (or Alembic) built (its `alembic_version` table set aside and
named, a foreign key declared twice matched though SQLite keeps neither name): it declares SQLAlchemy's spellings of the
types (VARCHAR(200), BOOLEAN, DATETIME, NUMERIC(10, 2), JSONB) and defaults (`DEFAULT 1`, `DEFAULT '0'`) where mizzle's
snapshot has drizzle-kit's (text(200), integer, text, numeric; `true`, `0`): the same columns, so `baseline`
accepts the database and `drift` is clean after; a column of another type is still a difference."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import mlflow_reduced
import sqlalchemy as sa

MODELS = '''
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

md = sa.MetaData()

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(200), nullable=False, unique=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("logins", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("seen_at", sa.DateTime),
    sa.Column("score", sa.Float),
    sa.Column("balance", sa.Numeric(10, 2)),
    sa.Column("kind", sa.Enum("a", "b", name="kind")),
    sa.Column("token", sa.Uuid),
    sa.Column("doc", sa.JSON().with_variant(sqlite.JSONB(), "sqlite")),  # arize-phoenix's JSON columns
)

# one foreign key twice, named and unnamed (mlflow's evaluation_dataset_records): SQLite keeps no names
posts = sa.Table(
    "posts", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_posts_user_id", ondelete="CASCADE"),
)
'''


def test_baseline_adopts_a_sqlite_create_all_database(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "models.py").write_text(MODELS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    ns: dict[str, object] = {}
    exec(compile(MODELS, "models.py", "exec"), ns)  # noqa: S102 - the test's own module
    db = tmp_path / "app.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        ns["md"].create_all(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    with sqlite3.connect(db) as c:  # create_all's spellings, not drizzle-kit's
        declared = {r[1]: (r[2], r[4]) for r in c.execute("PRAGMA table_info(users)")}
    assert declared["email"] == ("VARCHAR(200)", None) and declared["active"] == ("BOOLEAN", "1")
    assert declared["logins"] == ("BIGINT", "'0'") and declared["seen_at"] == ("DATETIME", None)
    url = f"sqlite:///{db}"
    with sqlite3.connect(db) as c:  # Alembic built it: its bookkeeping table is set aside and named
        c.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
                        "INSERT INTO alembic_version VALUES ('4f2e1c');")
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "found an Alembic-managed database (alembic_version at revision 4f2e1c)" in r.stderr, r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    # named as baseline names it: bare (a SQLite file has no schemas; drift said public.alembic_version)
    assert "warning: alembic_version (Alembic's bookkeeping) is not compared" in r.stderr, r.stderr
    # a real difference is still found: another affinity, another default
    with sqlite3.connect(db) as c:
        c.executescript("DROP TABLE users; CREATE TABLE users (id INTEGER PRIMARY KEY, email INTEGER NOT NULL "
                        "UNIQUE, active BOOLEAN NOT NULL DEFAULT 0, logins BIGINT NOT NULL DEFAULT '0', seen_at "
                        "DATETIME, score FLOAT, balance NUMERIC(10, 2), kind VARCHAR(1), token CHAR(32), doc JSONB)")
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "users.email: type text(200) → integer" in out, out
    assert "users.active: default true → 0" in out and "logins" not in out, out


NAMED = mlflow_reduced.TAGS


def test_baseline_and_drift_take_a_create_all_databases_named_constraints(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Introspection reads the names a CREATE TABLE gives its constraints; baseline compared the snapshot (its keys
    under SQLite's default names) with the database's model as read, so mlflow's
    fk_evaluation_dataset_tags_dataset_id was a difference. Both sides are now compared in the same form, as drift's,
    and pull keeps the names."""
    (tmp_path / "models.py").write_text(NAMED)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    ns: dict[str, object] = {}
    exec(compile(NAMED, "models.py", "exec"), ns)  # noqa: S102 - the test's own module
    db = tmp_path / "app.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        ns["md"].create_all(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    with sqlite3.connect(db) as c:
        sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'evaluation_dataset_tags'").fetchone()[0]
    assert "CONSTRAINT fk_evaluation_dataset_tags_dataset_id FOREIGN KEY" in sql, sql
    url = f"sqlite:///{db}"
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    other = tmp_path / "pulled"
    other.mkdir()
    (other / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "migrations"\n')
    r = run_mizzle(["pull", "--no-mark"], cwd=other, url=url)
    assert r.code == 0, r.stdout + r.stderr
    pulled = (other / "schema.py").read_text()
    assert "fk_evaluation_dataset_tags_dataset_id" in pulled and "uq_evaluation_datasets_workspace_name" in pulled
    r = run_mizzle(["generate", "--check"], cwd=other)
    assert r.code == 0, r.stdout + r.stderr


TRIALS = '''
import sqlalchemy as sa

md = sa.MetaData()
trials = sa.Table(
    "trials", md,
    sa.Column("trial_id", sa.Integer, primary_key=True),
    sa.Column("study_id", sa.Integer, index=True),
)
'''


def test_baseline_adopts_a_sqlite_index_name_so_later_migrations_name_it(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # optuna 3.x: the model says index=True on trials.study_id (ix_trials_study_id) where its Alembic migration
    # v3.0.0.a made trials_study_id_key; SQLite keeps index names, so the snapshot must take the database's one
    (tmp_path / "models.py").write_text(TRIALS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        c.executescript("CREATE TABLE trials (trial_id INTEGER NOT NULL, study_id INTEGER, PRIMARY KEY (trial_id));"
                        "CREATE INDEX trials_study_id_key ON trials (study_id);")
    url = f"sqlite:///{db}"
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "index ix_trials_study_id → trials_study_id_key on trials (the database's name)" in r.stderr, r.stderr
    (tmp_path / "models.py").write_text(TRIALS.replace(", index=True", ""))
    r = run_mizzle(["generate", "--name", "drop_index"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert "DROP INDEX IF EXISTS `trials_study_id_key`;" in sql, sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    # a database the folder builds has the code's name, ix_trials_study_id: `DROP INDEX trials_study_id_key` failed
    # there (no such index), and so did `verify` (found with aim's models on a hand-indexed database)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    r = run_mizzle(["migrate"], cwd=tmp_path, url=fresh)
    assert r.code == 0, r.stdout + r.stderr
    assert run_mizzle(["drift"], cwd=tmp_path, url=fresh).code == 0
    r = run_mizzle(["verify"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr


TRIAL_VALUES = '''
import sqlalchemy as sa

md = sa.MetaData()
studies = sa.Table(
    "studies", md,
    sa.Column("study_id", sa.Integer, primary_key=True),
    sa.Column("study_name", sa.String(512), nullable=False, unique=True),
)
trial_values = sa.Table(
    "trial_values", md,
    sa.Column("trial_value_id", sa.Integer, primary_key=True),
    sa.Column("trial_id", sa.Integer, nullable=False),
    sa.Column("objective", sa.Integer, nullable=False),
    sa.UniqueConstraint("trial_id", "objective"),
)
'''


def test_a_unique_a_create_table_holds_is_dropped_by_a_rebuild_after_baseline(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # optuna's and mlflow's SQLite databases (create_all, or Alembic's op.create_table): each UNIQUE is inline in
    # the CREATE TABLE, SQLite's automatic index sqlite_autoindex_<t>_N, which DROP INDEX cannot drop. The folder's
    # own SQL made them with CREATE UNIQUE INDEX: a drop must work on both databases
    (tmp_path / "models.py").write_text(TRIAL_VALUES)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    adopted, built = tmp_path / "adopted.db", tmp_path / "built.db"
    engine = sa.create_engine(f"sqlite:///{adopted}")
    ns: dict[str, object] = {}
    exec(TRIAL_VALUES, ns)
    ns["md"].create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=f"sqlite:///{adopted}")
    assert r.code == 0, r.stdout + r.stderr
    assert "trial_values_trial_id_objective_unique" in r.stderr and "rebuild" in r.stderr, r.stderr
    assert (tmp_path / "migrations" / "meta" / "_mizzle.json").exists()  # the marks' only home
    # a sidecar holding only those marks records no objects: a trigger made by hand is still set aside, not a
    # difference (as in any folder without mizzle's sidecar)
    with sqlite3.connect(adopted) as c:
        c.execute("CREATE TRIGGER by_hand AFTER INSERT ON trial_values BEGIN SELECT 1; END")
    r = run_mizzle(["drift"], cwd=tmp_path, url=f"sqlite:///{adopted}")
    assert r.code == 0 and "not compared" in r.stderr and "by_hand" in r.stderr, r.stdout + r.stderr
    with sqlite3.connect(adopted) as c:
        c.execute("DROP TRIGGER by_hand")
    assert run_mizzle(["migrate"], cwd=tmp_path, url=f"sqlite:///{built}").code == 0
    # an unrelated change first: the snapshot it writes still knows the uniques are the table's
    models = TRIAL_VALUES.replace('nullable=False),\n    sa.UniqueConstraint',
                                  'nullable=False),\n    sa.Column("note", sa.Text),\n    sa.UniqueConstraint')
    (tmp_path / "models.py").write_text(models)
    assert run_mizzle(["generate", "--name", "note"], cwd=tmp_path).code == 0
    models = models.replace(',\n    sa.UniqueConstraint("trial_id", "objective"),', ',')
    models = models.replace("nullable=False, unique=True", "nullable=False")
    (tmp_path / "models.py").write_text(models)
    r = run_mizzle(["generate", "--name", "drop_uniques"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    sql = next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
    assert "DROP INDEX" not in sql and "__new_trial_values" in sql and "__new_studies" in sql, sql
    for db in (adopted, built):
        r = run_mizzle(["migrate"], cwd=tmp_path, url=f"sqlite:///{db}")
        assert r.code == 0, r.stdout + r.stderr
        r = run_mizzle(["drift"], cwd=tmp_path, url=f"sqlite:///{db}")
        assert r.code == 0, r.stdout + r.stderr
        with sqlite3.connect(db) as c:
            c.execute("INSERT INTO trial_values (trial_id, objective) VALUES (1, 0), (1, 0)")
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0


def test_baseline_force_marks_the_uniques_a_create_table_holds(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # --force compares nothing, but the marks are facts of the database all the same: without them, the later
    # migration dropping the unique was `DROP INDEX trial_values_…_unique`, which SQLite refuses on that database
    (tmp_path / "models.py").write_text(TRIAL_VALUES)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    adopted = tmp_path / "adopted.db"
    engine = sa.create_engine(f"sqlite:///{adopted}")
    ns: dict[str, object] = {}
    exec(TRIAL_VALUES, ns)
    ns["md"].create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    with sqlite3.connect(adopted) as c:  # a difference --force lets through
        c.execute("CREATE TABLE extra (id INTEGER PRIMARY KEY)")
    r = run_mizzle(["baseline", "--force"], cwd=tmp_path, url=f"sqlite:///{adopted}")
    assert r.code == 0, r.stdout + r.stderr
    assert "--force" in r.stderr and "trial_values_trial_id_objective_unique" in r.stderr, r.stderr
    models = TRIAL_VALUES.replace(',\n    sa.UniqueConstraint("trial_id", "objective"),', ',')
    (tmp_path / "models.py").write_text(models)
    assert run_mizzle(["generate", "--name", "drop_unique"], cwd=tmp_path).code == 0
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert "DROP INDEX" not in sql and "__new_trial_values" in sql, sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=f"sqlite:///{adopted}")
    assert r.code == 0, r.stdout + r.stderr
    with sqlite3.connect(adopted) as c:
        c.execute("INSERT INTO trial_values (trial_id, objective) VALUES (1, 0), (1, 0)")


def test_an_index_name_baseline_takes_from_the_database_is_no_change_for_generate(
        tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """After `baseline` named optuna's index as the database does (trials_study_id_key for the model's
    ix_trials_study_id), `generate --check` right after asked to make it again under the code's name
    (`- index trials_study_id_key`, `+ index ix_trials_study_id`). As on PostgreSQL, the snapshot keeps the code's
    name and the sidecar the database's (its server name), which later migrations, and their table rebuilds, use."""
    (tmp_path / "models.py").write_text(TRIALS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        c.executescript("CREATE TABLE trials (trial_id INTEGER NOT NULL, study_id INTEGER, PRIMARY KEY (trial_id));"
                        "CREATE INDEX trials_study_id_key ON trials (study_id);")
    url = f"sqlite:///{db}"
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    snap = json.loads(next((tmp_path / "migrations" / "meta").glob("0000_snapshot.json")).read_text())
    assert list(snap["tables"]["trials"]["indexes"]) == ["ix_trials_study_id"]
    assert "_serverName" not in json.dumps(snap)  # drizzle-kit's v6 snapshot as drizzle-kit reads it
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    # an unrelated change: the next snapshot still knows the database's name
    (tmp_path / "models.py").write_text(TRIALS.replace("index=True),", 'index=True),\n    sa.Column("note", sa.Text),'))
    r = run_mizzle(["generate", "--name", "note"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    assert "INDEX" not in next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert "trials_study_id_key" in (tmp_path / "migrations" / "meta" / "_mizzle.json").read_text()
    assert not any("_serverName" in p.read_text() for p in (tmp_path / "migrations" / "meta").glob("*_snapshot.json"))
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    # a change rebuilding the table makes the index again, under the code's name, which later migrations use
    (tmp_path / "models.py").write_text(TRIALS.replace("index=True),", 'index=True, nullable=False),\n'
                                                                        '    sa.Column("note", sa.Text),'))
    r = run_mizzle(["generate", "--name", "rebuild"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    assert "CREATE INDEX `ix_trials_study_id`" in next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0
    (tmp_path / "models.py").write_text(TRIALS.replace("index=True),", 'nullable=False),\n    sa.Column("note", sa.Text),'))
    r = run_mizzle(["generate", "--name", "drop_index"], cwd=tmp_path)
    assert "DROP INDEX `ix_trials_study_id`;" in next((tmp_path / "migrations").glob("0003_*.sql")).read_text()
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0


# TypeORM 0.3's SQLite driver (synchronize) declares its "character" and "varying character" column types in SQL's
# own spelling; SQLite's affinity rules take them as text, as SQLAlchemy's CHAR(7) and String(40) are
TYPEORM = ('CREATE TABLE "tags" ("id" integer PRIMARY KEY NOT NULL, "color" character(7), '
           '"label" varying character(40) NOT NULL, "code" native character(3), "name" character varying(20))')
TAGS = '''
import sqlalchemy as sa

md = sa.MetaData()
tags = sa.Table(
    "tags", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("color", sa.CHAR(7)),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("code", sa.NCHAR(3)),
    sa.Column("name", sa.String(20)),
)
'''


def test_baseline_takes_sql_standard_character_types_as_the_models_strings(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "models.py").write_text(TAGS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as c:
        c.executescript(TYPEORM)
    r = run_mizzle(["baseline"], cwd=tmp_path, url=f"sqlite:///{db}")
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=f"sqlite:///{db}")
    assert r.code == 0, r.stdout + r.stderr
