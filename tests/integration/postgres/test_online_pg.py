"""generate --online on PostgreSQL: every step of the pg_history history (plus a step adding a unique constraint, a
foreign key, a check, an index and NOT NULL to a table that holds rows) applies with mizzle and ends in the
`pg_dump -s` of the plain migrations, constraint validity included; the files lint clean of the locking rules; a
run killed mid-way resumes; and the online migration completes under concurrent writers who are never blocked
for long, where the plain one blocks them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pg_history
import psycopg
import pytest
from pgtools import schema_dump, temp_database
from test_generate_pg import write_project
from test_idempotent_pg import config_for

import mizzle
from mizzle.commands.generate import generate
from mizzle.lint import lint_file

pytestmark = pytest.mark.pg

# rules --online exists to avoid: none of them may fire on what it writes
ONLINE_RULES = {"MZ202", "MZ203", "MZ204", "MZ205", "MZ206", "MZ207", "MZ302", "MZ303"}

# a step after the history: a table that existed gets an index, a unique constraint, a foreign key, a check and
# NOT NULL; an index goes away; a new table gets none of the online treatment
STEP9 = pg_history._edit(
    pg_history.STEP8,
    ('    age = mapped_column(sa.SmallInteger)\n',
     '    age = mapped_column(sa.SmallInteger, nullable=False)\n    __table_args__ = ()\n'),
    ('        sa.Index("users_last_first_idx", "last", "first", postgresql_include=["age"]),\n',
     '        sa.Index("users_last_first_idx", "last", "first", postgresql_include=["age"]),\n'
     '        sa.UniqueConstraint("first", "last", name="users_first_last_unique"),\n'
     '        sa.CheckConstraint("score > 0", name="users_score_positive"),\n'),
    ('    author_id = mapped_column(sa.Integer, nullable=False, index=True)\n',
     '    author_id = mapped_column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)\n'),
    ('    region = mapped_column(sa.CHAR(2), server_default="US")\n',
     '    region = mapped_column(sa.CHAR(2), server_default="US", index=True)\n'),
) + '''
class Note(Base):
    __tablename__ = "notes"
    id = mapped_column(sa.Integer, primary_key=True)
    user_id = mapped_column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    text = mapped_column(sa.Text, nullable=False, unique=True)
'''
STEPS = [*pg_history.STEPS, STEP9]


def _step(n: int) -> str:
    return pg_history.PRELUDE + STEPS[n - 1]


def _seed(url: str) -> None:
    """Rows in the tables the last step changes, so VALIDATE and the concurrent builds have work to do."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO users (email, first, last, age, score) SELECT 'u' || i || '@x', 'f' || i, 'l' || i, "
                  "20, 2 FROM generate_series(1, 300) i")
        c.execute("INSERT INTO articles (author_id, title) SELECT id, 't' FROM users")


def test_online_history_equals_plain(tmp_path: Path) -> None:
    plain, online = tmp_path / "plain", tmp_path / "online"
    with temp_database("mzplain") as plain_db, temp_database("mzonline") as online_db:
        for n in range(1, len(STEPS) + 1):
            renames = pg_history.RENAMES.get(n, {})
            if n == len(STEPS):
                _seed(plain_db)
                _seed(online_db)
            write_project(plain, _step(n))
            expected = generate(config_for(plain, (online,)), name=f"step{n}", renames=renames)
            mizzle.migrate(url=plain_db, folder=plain / "migrations")

            write_project(online, _step(n))
            result = generate(config_for(online, (plain,)), name=f"step{n}", renames=renames, online=True)
            assert result.online
            text = result.sql_path.read_text()
            assert "-- mizzle:online" in text.splitlines()[:2], f"step {n}: file not marked"
            applied = mizzle.migrate(url=online_db, folder=online / "migrations")
            assert [m.tag for m in applied.applied] == [result.tag], f"step {n}"
            assert schema_dump(online_db) == schema_dump(plain_db), f"step {n}: online != plain\n{text}"
            # the snapshot is the one the plain generate writes
            snap = f"meta/{n - 1:04d}_snapshot.json"
            assert _strip_ids((online / "migrations" / snap).read_text()) == \
                _strip_ids((plain / "migrations" / snap).read_text()), f"step {n}: snapshots differ"

            findings = lint_file(result.sql_path)
            plain_errors = {f.rule for f in lint_file(expected.sql_path) if f.severity == "error"}
            assert not [f for f in findings if f.rule in ONLINE_RULES], f"step {n}: {findings}"
            # errors --online cannot fix (a narrowing type change) are the plain file's own
            assert {f.rule for f in findings if f.severity == "error"} <= plain_errors, f"step {n}: {findings}"
        last = result.sql_path.read_text()
        for expect in ("CREATE UNIQUE INDEX CONCURRENTLY \"users_first_last_unique\"",
                       "UNIQUE USING INDEX \"users_first_last_unique\"", "NOT VALID",
                       "VALIDATE CONSTRAINT \"articles_author_id_users_id_fk\"",
                       "CHECK (\"age\" IS NOT NULL) NOT VALID", "CREATE INDEX CONCURRENTLY \"ix_orgs_region\"",
                       "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"ix_articles_author_id\""):
            assert expect in last, expect
        assert "CONCURRENTLY \"ix_notes_user_id\"" not in last  # a new table's index is built in place


def _strip_ids(snapshot: str) -> str:
    import json

    data = json.loads(snapshot)
    data.pop("id", None)
    data.pop("prevId", None)
    return json.dumps(data, sort_keys=True)


# -- resume after a kill ---------------------------------------------------------------------------------------

ROWS = 20_000

BASE = '''
import sqlalchemy as sa
md = sa.MetaData()
parents = sa.Table("parents", md, sa.Column("id", sa.Integer, primary_key=True))
items = sa.Table(
    "items", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer{fk}),
    sa.Column("code", sa.Text{unique}),
    sa.Column("qty", sa.Integer, nullable={nullable}),
    {index}
)
'''


def _source(changed: bool) -> str:
    if not changed:
        return BASE.format(fk="", unique="", nullable="True", index="")
    return BASE.format(fk=', sa.ForeignKey("parents.id")', unique=", unique=True", nullable="False",
                       index='sa.Index("items_qty_idx", "qty"),')


def _project(root: Path, changed: bool, *, online: bool, lock_timeout: str = "30s") -> str:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text(
        f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\nonline = {str(online).lower()}\n'
        f'online_lock_timeout = "{lock_timeout}"\n')
    (root / "app" / "schema.py").write_text(_source(changed))
    return str(root)


def _prepare(root: Path, url: str, *, online: bool, rows: int = ROWS) -> Path:
    """First migration applied and the table filled; the second (the change) generated, not applied."""
    _project(root, False, online=online)
    generate(config_for(root, ()), name="base")
    mizzle.migrate(url=url, folder=root / "migrations")
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("INSERT INTO parents SELECT generate_series(1, 100)")
        c.execute(f"INSERT INTO items (parent_id, code, qty) SELECT 1 + i % 100, 'c' || i, i % 7 "
                  f"FROM generate_series(1, {rows}) i")
    _project(root, True, online=online)
    result = generate(config_for(root, ()), name="change")
    assert result.online == online
    return result.sql_path


def _migrate_cmd(root: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = url
    return subprocess.Popen([sys.executable, "-m", "mizzle", "migrate", *extra], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(c: psycopg.Connection, query_like: str, wait_event_type: str, timeout: float = 30) -> int:
    """The pid of the `mizzle migrate` backend once it runs `query_like` and waits on `wait_event_type`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = c.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'mizzle migrate' "
                        "AND query LIKE %s AND wait_event_type = %s", (query_like, wait_event_type)).fetchone()
        if row:
            return int(row[0])
        time.sleep(0.02)
    raise AssertionError(f"mizzle migrate never waited in {query_like!r}")


def _kill(proc: subprocess.Popen[str], c: psycopg.Connection, pid: int) -> None:
    """The runner dies (SIGKILL) and its connection with it, as when a deploy task's container is evicted."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    c.execute("SELECT pg_terminate_backend(%s)", (pid,))
    while c.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
        time.sleep(0.02)


def test_online_migration_resumes_after_kills(tmp_path: Path) -> None:
    with temp_database("mzresume") as url, temp_database("mzresplain") as plain_url:
        sql = _prepare(tmp_path / "online", url, online=True)
        assert "CREATE UNIQUE INDEX CONCURRENTLY" in sql.read_text()
        root = tmp_path / "online"
        with psycopg.connect(url, autocommit=True) as watcher, psycopg.connect(url, autocommit=True) as blocker:
            # 1. killed while CREATE INDEX CONCURRENTLY waits for an older snapshot: an INVALID index stays behind
            blocker.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            blocker.execute("SELECT count(*) FROM parents")
            proc = _migrate_cmd(root, url)
            pid = _wait_for(watcher, "CREATE UNIQUE INDEX CONCURRENTLY%", "Lock")
            _kill(proc, watcher, pid)
            blocker.execute("COMMIT")
            invalid = watcher.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()
            assert invalid == (1,)
            # 2. killed while a transactional part (the foreign key's) waits for a lock another session holds
            blocker.execute("BEGIN")
            blocker.execute("LOCK TABLE parents IN EXCLUSIVE MODE")
            proc = _migrate_cmd(root, url)
            pid = _wait_for(watcher, '%REFERENCES "public"."parents"%', "Lock")
            _kill(proc, watcher, pid)
            blocker.execute("COMMIT")
        done = _migrate_cmd(root, url)
        out, err = done.communicate(timeout=60)
        assert done.returncode == 0, err
        assert "resumed after statement" in out or "resumed after statement" in err
        # same end state as the plain migration
        _prepare(tmp_path / "plain", plain_url, online=False)
        mizzle.migrate(url=plain_url, folder=tmp_path / "plain" / "migrations")
        assert schema_dump(url) == schema_dump(plain_url)


# -- under concurrent writes (the benchmark's small version) -----------------------------------------------------

WRITERS = 3
STALL_BOUND_S = 2.0  # generous: the plain migration blocks writers for as long as its scans and builds take


class Writers:
    """Threads inserting and updating rows of `items`, each recording its longest single-statement latency."""

    def __init__(self, url: str, n: int, rows: int) -> None:
        self.url, self.rows = url, rows
        self.stop = threading.Event()
        self.longest = [0.0] * n
        self.count = [0] * n
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(n)]

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def _run(self, i: int) -> None:
        import random

        rng = random.Random(i)
        with psycopg.connect(self.url, autocommit=True) as c:
            n = 0
            while not self.stop.is_set():
                t0 = time.perf_counter()
                try:
                    if n % 2:
                        c.execute("UPDATE items SET qty = qty + 1 WHERE id = %s", (rng.randint(1, self.rows),))
                    else:
                        c.execute("INSERT INTO items (parent_id, code, qty) VALUES (%s, %s, 1)",
                                  (rng.randint(1, 100), f"w{i}-{n}"))
                except psycopg.Error as e:
                    self.errors.append(str(e))
                self.longest[i] = max(self.longest[i], time.perf_counter() - t0)
                self.count[i] += 1
                n += 1

    @property
    def stall(self) -> float:
        return max(self.longest)


def test_online_migration_under_concurrent_writes(tmp_path: Path) -> None:
    rows = 50_000
    with temp_database("mzload") as url, temp_database("mzloadplain") as plain_url:
        online_sql = _prepare(tmp_path / "online", url, online=True, rows=rows)
        plain_sql = _prepare(tmp_path / "plain", plain_url, online=False, rows=rows)
        with Writers(url, WRITERS, rows) as w:
            time.sleep(0.3)
            result = mizzle.migrate(url=url, folder=tmp_path / "online" / "migrations", retries=3)
            time.sleep(0.2)
        assert [m.tag for m in result.applied] == [online_sql.stem]
        assert not w.errors, w.errors[:3]
        assert min(w.count) > 10, w.count  # the writers really wrote throughout
        assert w.stall < STALL_BOUND_S, f"a writer waited {w.stall:.3f} s"
        mizzle.migrate(url=plain_url, folder=tmp_path / "plain" / "migrations")
        assert plain_sql.read_text() != online_sql.read_text()
        assert schema_dump(url) == schema_dump(plain_url)


# -- the command line ----------------------------------------------------------------------------------------------

def test_cli_online_flags(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    import json

    root = tmp_path / "pg"
    _project(root, False, online=False)
    assert run_mizzle(["generate", "--name", "base"], cwd=root).code == 0
    _project(root, True, online=False)
    (root / "mizzle.toml").write_text((root / "mizzle.toml").read_text().replace('"30s"', '"1 fortnight"'))
    r = run_mizzle(["generate", "--online"], cwd=root)
    assert r.code == 2 and "online_lock_timeout" in r.first_error_line, r.stderr
    r = run_mizzle(["generate", "--lock-timeout", "2s"], cwd=root)
    assert r.code == 2 and "add --online" in r.first_error_line, r.stderr
    r = run_mizzle(["generate", "--online", "--lock-timeout", "750ms", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["online"] is True and out["written"] and out["lint"] == []
    text = Path(out["path"]).read_text()
    assert text.startswith("-- mizzle:no-transaction\n-- mizzle:online\n")
    assert text.count("SET LOCAL lock_timeout = '750ms'") == text.count("--> statement-breakpoint") - 1
    r = run_mizzle(["check"], cwd=root)  # the folder is sound, its directives known
    assert r.code == 0 and "warning" not in r.stderr, r.stderr

    lite = tmp_path / "lite"
    (lite / "app").mkdir(parents=True)
    (lite / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                      "online = true\n")
    (lite / "app" / "schema.py").write_text(_source(False))
    r = run_mizzle(["generate"], cwd=lite)
    assert r.code == 0 and "note: --online has no effect on sqlite" in r.stderr, r.stderr
    assert "lock_timeout" not in next((lite / "migrations").glob("*.sql")).read_text()


def test_make_online_plan_shapes() -> None:
    """The rewrite on plan level (no database): new tables untouched, enum commit boundaries kept as part
    boundaries, unnamed primary keys named as PostgreSQL would, long temporary check names kept apart."""
    from mizzle.dialects.postgres.ddl import render
    from mizzle.dialects.postgres.online import make_online, not_null_check_name
    from mizzle.schema import changes as ch
    from mizzle.schema.model import Column, Enum, ForeignKey, Index, IndexColumn, PrimaryKey, Table

    new = Table("fresh", columns=(Column("id", "integer", not_null=True),))
    old_key = ("public", "old")
    changes = [ch.AddEnumValue(Enum("e", ("a", "b")), "b"), ch.CreateTable(new),
               ch.CreateIndex(new.key, Index("fresh_idx", (IndexColumn("id"),))),
               ch.AddForeignKey(new.key, ForeignKey("fresh_fk", ("id",), "old", ("id",))),
               ch.SetPrimaryKey(old_key, None, PrimaryKey(("id",))),
               ch.AlterColumn(old_key, Column("v", "text"), Column("v", "text", not_null=True))]
    statements, header = make_online(render(changes), "2s")
    assert header == ["-- mizzle:no-transaction", "-- mizzle:online"]
    sql = [s.sql for s in statements]
    assert sql[0] == "SET LOCAL lock_timeout = '2s';\nALTER TYPE \"public\".\"e\" ADD VALUE 'b'"  # then a boundary
    assert sql[1].startswith("SET LOCAL lock_timeout = '2s';\nCREATE TABLE \"public\".\"fresh\"")
    assert 'CREATE INDEX "fresh_idx"' in sql[1] and '"fresh_fk"' in sql[1] and "NOT VALID" not in sql[1]
    assert sql[2] == 'CREATE UNIQUE INDEX CONCURRENTLY "old_pkey" ON "public"."old" USING btree ("id")'
    assert statements[2].no_transaction
    assert sql[-1].endswith('ALTER TABLE "public"."old" DROP CONSTRAINT "old_v_mizzle_nn"')
    assert 'ADD CONSTRAINT "old_pkey" PRIMARY KEY USING INDEX "old_pkey"' in sql[-3]
    a, b = not_null_check_name("t" * 40, "c" * 30 + "1"), not_null_check_name("t" * 40, "c" * 30 + "2")
    assert a != b and len(a.encode()) <= 63 and len(b.encode()) <= 63
    # one part only: an ordinary transactional file
    statements, header = make_online(render([ch.CreateTable(new)]), "5s")
    assert header == ["-- mizzle:online"] and statements[0].sql == "SET LOCAL lock_timeout = '5s'"


# -- --online --idempotent --------------------------------------------------------------------------------------

def apply_file(url: str, text: str) -> None:
    """As the runner runs a file, without its tracking: a CONCURRENTLY chunk on its own, any other chunk of a
    no-transaction file in a transaction of its own, a transactional file in one transaction."""
    from mizzle.migrations.folder import split_statements

    chunks = split_statements(text)
    with psycopg.connect(url, autocommit=True) as c:
        if not text.startswith("-- mizzle:no-transaction"):
            with c.transaction():
                for st in chunks:
                    c.execute(st.sql)
            return
        for st in chunks:
            if "CONCURRENTLY" in st.sql:
                c.execute(st.sql)
            else:
                with c.transaction():
                    c.execute(st.sql)


def test_online_idempotent_history_reruns_and_resumes(tmp_path: Path) -> None:
    import random

    from mizzle.migrations.folder import split_statements

    rng = random.Random(5)
    plain, both = tmp_path / "plain", tmp_path / "both"
    with temp_database("mzplain") as plain_db, temp_database("mzboth") as db:
        for n in range(1, len(STEPS) + 1):
            renames = pg_history.RENAMES.get(n, {})
            if n == len(STEPS):
                _seed(plain_db)
                _seed(db)
            write_project(plain, _step(n))
            generate(config_for(plain, (both,)), name=f"step{n}", renames=renames)
            mizzle.migrate(url=plain_db, folder=plain / "migrations")
            expected = schema_dump(plain_db)

            write_project(both, _step(n))
            result = generate(config_for(both, (plain,)), name=f"step{n}", renames=renames, online=True,
                              idempotent=True)
            text = result.sql_path.read_text()
            assert "-- mizzle:idempotent" in text.splitlines()[:3] and "-- mizzle:online" in text.splitlines()[:3]
            findings = lint_file(result.sql_path)
            assert not [f for f in findings if f.rule in ONLINE_RULES | {"MZ401"}], f"step {n}: {findings}"
            count = len(split_statements(text))
            if count > 1:  # a prefix run by hand (in a copy), then the whole file
                k = rng.randrange(1, count)
                with temp_database("mzbothcopy") as copy:
                    subprocess.run(["pg_dump", "-Fc", "-f", str(tmp_path / "d.dump"), db], check=True)
                    subprocess.run(["pg_restore", "-d", copy, str(tmp_path / "d.dump")], check=True)
                    head = "\n--> statement-breakpoint\n".join(st.sql for st in split_statements(text)[:k])
                    apply_file(copy, text.split("\n", 1)[0] + "\n" + head if text.startswith("--") else head)
                    apply_file(copy, text)
                    assert schema_dump(copy) == expected, f"step {n}: after a prefix of {k}/{count}"
            apply_file(db, text)
            apply_file(db, text)
            assert schema_dump(db) == expected, f"step {n}: applied twice\n{text}"


def test_what_an_online_file_committed_is_listed_by_its_ddl(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Dify's models generated --online against its Alembic-built database: VALIDATE of a new foreign key failed on
    # an orphan row, and the list of what stays committed read "1. SET LOCAL lock_timeout = '30s';" for every
    # part (each starts with it), naming nothing the database now has
    with temp_database("mzonl") as url:
        _prepare(tmp_path, url, online=True, rows=10)
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("ALTER TABLE items DISABLE TRIGGER ALL")  # an orphan row, as a database without the key holds
            c.execute("INSERT INTO items (parent_id, code, qty) VALUES (999, 'orphan', 1)")
            c.execute("ALTER TABLE items ENABLE TRIGGER ALL")
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert r.code == 1 and "VALIDATE CONSTRAINT" in r.stderr, r.stderr
        listed = r.stderr.split("committed (they stay in the database):\n", 1)[1].splitlines()
        assert listed and all("SET LOCAL" not in ln for ln in listed if ln.startswith("  ")), r.stderr
        assert any("ADD CONSTRAINT" in ln for ln in listed), r.stderr
