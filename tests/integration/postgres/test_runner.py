"""The runner against the real server, through the Python API (`mizzle.migrate`, `mizzle.runner.migrate.status`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from conftest import MigrationsDir, statements
from subprocs import sigint_default

import mizzle
from mizzle.dialects.postgres.runner import lock_key
from mizzle.errors import IntegrityError, LockTimeout, StatementFailed
from mizzle.migrations.folder import migration_hash
from mizzle.runner import migrate as runner
from mizzle.runner.tracking import TrackingTable

pytestmark = pytest.mark.pg


def q(url: str, sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(sql, params or None)
        return cur.fetchall() if cur.description else []


def tables(url: str) -> set[str]:
    return {r[0] for r in q(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def tracking_rows(url: str) -> list[tuple[str, int]]:
    return q(url, 'SELECT hash, created_at FROM "drizzle"."__drizzle_migrations" ORDER BY created_at')


def three_tables(d: MigrationsDir) -> list[str]:
    return [d.add(f'CREATE TABLE "t{i}" ("id" integer PRIMARY KEY);') for i in range(3)]


def test_applies_pending_once_and_records_drizzle_compatible_rows(pg_url: Callable[..., str],
                                                                  migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    tags = three_tables(migrations_dir)
    res = mizzle.migrate(url=url, folder=migrations_dir.path)
    assert [m.tag for m in res.applied] == tags
    assert all(m.status == "applied" and m.statements == 1 and m.duration_ms is not None for m in res.migrations)
    assert tables(url) == {"t0", "t1", "t2"}
    # drizzle-orm's table, exactly its columns
    cols = q(url, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'drizzle' "
                  "AND table_name = '__drizzle_migrations' ORDER BY ordinal_position")
    assert cols == [("id", "integer"), ("hash", "text"), ("created_at", "bigint")]
    rows = tracking_rows(url)
    assert [r[1] for r in rows] == [e["when"] for e in migrations_dir.entries]
    assert [r[0] for r in rows] == [migration_hash(migrations_dir.sql_path(t).read_text()) for t in tags]
    audit = q(url, 'SELECT tag, action, tool_version FROM "drizzle"."__mizzle_audit" ORDER BY id')
    assert [a[0] for a in audit] == tags and {a[1] for a in audit} == {"applied"}
    again = mizzle.migrate(url=url, folder=migrations_dir.path)
    assert again.nothing_to_do and again.already_applied == 3
    assert len(tracking_rows(url)) == 3
    j = again.to_json()
    assert j["nothing_to_do"] and j["migrations"] == []


def test_failure_at_third_statement_each_keeps_earlier_migrations(pg_url: Callable[..., str],
                                                                  migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    bad = migrations_dir.add(statements('CREATE TABLE "b" ("id" integer)', 'CREATE TABLE "c" ("id" integer)',
                                        'ALTER TABLE "nope" ADD COLUMN "x" integer', 'CREATE TABLE "d" ("id" int)'),
                             name="bad")
    migrations_dir.add('CREATE TABLE "e" ("id" integer);')
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    e = ei.value
    assert e.exit_code == 1
    assert e.message.startswith(f"{bad}.sql failed at statement 3 of 4: ")
    assert 'relation "nope" does not exist' in e.message
    assert tables(url) == {"a"}  # the failed migration left no trace; later ones did not run
    assert len(tracking_rows(url)) == 1
    statuses = {m.tag: m.status for m in e.result.migrations}  # type: ignore[attr-defined]
    assert list(statuses.values()) == ["applied", "failed", "not run"]


def test_already_exists_made_by_the_same_run_is_named_a_collision_not_an_old_object(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    # designate's table and enum service_statuses: every table has a row type of its name, so the enum fails with
    # 42710; the hint advised `baseline` or `generate --idempotent`, whose CREATE … IF NOT EXISTS then left the
    # second object out of a "successful" migrate
    tag = migrations_dir.add(statements('CREATE TABLE "statuses" ("id" integer)',
                                        "CREATE TYPE \"statuses\" AS ENUM ('UP', 'DOWN')"))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=pg_url(), folder=migrations_dir.path)
    text = str(ei.value)
    assert ei.value.message.startswith(f"{tag}.sql failed at statement 2 of 2: type \"statuses\" already exists")
    assert "statement 1 of this migration names statuses too; if it created it, two objects" in text
    assert "row type every table and view has" in text
    assert "baseline" not in text and "IF NOT EXISTS skips the second object" in text

    migrations_dir.sql_path(tag).write_text('CREATE TABLE "c" ("id" integer);', encoding="utf-8")
    migrations_dir.add('CREATE INDEX "c" ON "c" ("id");')  # a table and an index: one name space
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=pg_url(), folder=migrations_dir.path)
    assert f"migration {tag} (applied by this run) names c too; if it created it" in str(ei.value)

    url = pg_url()  # made before the migrations: the database's own object, as the hint always said
    q(url, 'CREATE TABLE "c" ("id" integer)')
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert "the database may already have this object" in str(ei.value) and "mizzle baseline" in str(ei.value)


def test_failure_with_transaction_all_keeps_nothing(pg_url: Callable[..., str],
                                                    migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    migrations_dir.add(statements('CREATE TABLE "b" ("id" integer)', 'CREATE TABLE "c" ("id" integer)',
                                  'SELECT * FROM "nope"'))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path, transaction="all")
    assert "statement 3 of 3" in ei.value.message
    assert "whole run was rolled back" in str(ei.value)
    assert tables(url) == set()
    assert tracking_rows(url) == []
    assert [m.status for m in ei.value.result.migrations] == ["rolled back", "failed"]  # type: ignore[attr-defined]


def test_transaction_all_applies_everything(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    three_tables(migrations_dir)
    res = runner.migrate(url=url, folder=migrations_dir.path, transaction="all")
    assert len(res.applied) == 3 and tables(url) == {"t0", "t1", "t2"}


def test_out_of_order_migration_is_applied_with_a_warning(pg_url: Callable[..., str],
                                                          migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);', when=1000)
    migrations_dir.add('CREATE TABLE "c" ("id" integer);', when=3000)
    runner.migrate(url=url, folder=migrations_dir.path)
    # a merged branch brings a migration older than the newest applied one
    migrations_dir.add('CREATE TABLE "b" ("id" integer);', name="from_branch", when=2000)
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert [m.tag for m in res.applied] == ["0002_from_branch"] and res.applied[0].out_of_order
    assert any("out of order" in w and "0002_from_branch" in w for w in res.warnings)
    assert tables(url) == {"a", "b", "c"}


def test_migrations_drizzle_skipped_need_the_flag(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);', when=1000)
    runner.migrate(url=url, folder=migrations_dir.path)
    # drizzle-orm's migrator applies a newer one (a row with no mizzle audit entry) …
    newer = migrations_dir.add('CREATE TABLE "c" ("id" integer);', when=3000)
    q(url, 'CREATE TABLE "c" ("id" integer)')
    q(url, 'INSERT INTO "drizzle"."__drizzle_migrations" (hash, created_at) VALUES (%s, 3000)',
      migration_hash(migrations_dir.sql_path(newer).read_text()))
    # … and then silently skips one older than it
    migrations_dir.add('CREATE TABLE "b" ("id" integer);', name="skipped", when=2000)
    with pytest.raises(IntegrityError) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert "skipped by drizzle-orm" in ei.value.message and "0002_skipped" in ei.value.message
    assert "--include-skipped" in ei.value.message
    assert "b" not in tables(url)
    st = runner.status(url=url, folder=migrations_dir.path)
    assert [s.state for s in st.states] == ["applied", "applied", "skipped by drizzle-orm"]
    res = runner.migrate(url=url, folder=migrations_dir.path, include_skipped=True)
    assert [m.tag for m in res.applied] == ["0002_skipped"]
    assert "b" in tables(url)


def test_modified_applied_file_stops_before_anything_runs(pg_url: Callable[..., str],
                                                          migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    first = migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    runner.migrate(url=url, folder=migrations_dir.path)
    old = migration_hash(migrations_dir.sql_path(first).read_text())
    migrations_dir.sql_path(first).write_text('CREATE TABLE "a" ("id" bigint);')
    new = migration_hash(migrations_dir.sql_path(first).read_text())
    migrations_dir.add('CREATE TABLE "b" ("id" integer);')
    with pytest.raises(IntegrityError) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    msg = ei.value.message
    assert ei.value.exit_code == 3
    assert f"{first}.sql was modified after it was applied" in msg and old in msg and new in msg
    assert "mizzle mark" in msg
    assert tables(url) == {"a"}
    assert [s.state for s in runner.status(url=url, folder=migrations_dir.path).states] == ["modified", "pending"]


def test_applied_file_deleted_and_unknown_row(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    first = migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    runner.migrate(url=url, folder=migrations_dir.path)
    migrations_dir.sql_path(first).unlink()
    with pytest.raises(IntegrityError, match=f"{first}.sql was applied .* but the file is missing"):
        runner.migrate(url=url, folder=migrations_dir.path)
    q(url, 'INSERT INTO "drizzle"."__drizzle_migrations" (hash, created_at) VALUES (%s, 42)', "f" * 64)
    with pytest.raises(IntegrityError) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert "2 integrity problems" in ei.value.message and "no journal entry: created_at 42" in str(ei.value)


def test_no_transaction_file_with_create_index_concurrently(pg_url: Callable[..., str],
                                                            migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "u" ("id" integer, "email" text);')
    migrations_dir.add("-- mizzle:no-transaction\n" + statements(
        'CREATE INDEX CONCURRENTLY "u_email_idx" ON "u" ("email")',
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "u_id_idx" ON "public"."u" ("id")'))
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert res.applied[1].no_transaction
    valid = q(url, "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "ORDER BY 1")
    assert ("u_email_idx", True) in valid and ("u_id_idx", True) in valid
    assert q(url, 'SELECT count(*) FROM "drizzle"."__mizzle_progress"') == [(0,)]


def test_no_transaction_file_written_by_hand_runs_each_statement_alone(pg_url: Callable[..., str],
                                                                     migrations_dir: MigrationsDir) -> None:
    # openfga/openfga's 006_add_collate_index (goose, NO TRANSACTION), as written by hand with no breakpoints:
    # the two statements were sent as one and the server refused CREATE INDEX CONCURRENTLY in their implicit block
    url = pg_url()
    migrations_dir.add('CREATE TABLE "tuple" ("store" text, "_user" text, "object_id" text);\n'
                       'CREATE INDEX idx_reverse_lookup_user on tuple (store, _user);')
    tag = migrations_dir.add("-- mizzle:no-transaction\n"
                             "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_user_lookup on tuple (\n"
                             "    store,\n    _user,\n    object_id collate \"C\"\n);\n\n"
                             "DROP INDEX CONCURRENTLY IF EXISTS idx_reverse_lookup_user;\n")
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert res.applied[1].tag == tag and res.applied[1].no_transaction
    assert q(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'tuple'") == [("idx_user_lookup",)]


def test_a_killed_run_of_a_chunk_of_several_statements_is_not_taken_as_done(pg_url: Callable[..., str],
                                                                             migrations_dir: MigrationsDir) -> None:
    """The same file, its run killed after the chunk's CREATE INDEX CONCURRENTLY completed (the index valid, the
    chunk recorded as running). The rerun took the chunk's first index as the whole chunk completed ("recorded as
    done") and never ran its DROP INDEX: no record says which statements of a chunk ran, so it runs again whole."""
    from mizzle.runner.migrate import load_folder
    from mizzle.runner.tracking import prefix_hash

    url = pg_url()
    migrations_dir.add('CREATE TABLE "tuple" ("store" text, "_user" text);\n'
                       'CREATE INDEX idx_reverse_lookup_user on tuple (store, _user);')
    migrations_dir.add("-- mizzle:no-transaction\n"
                       "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_user_lookup on tuple (store, _user);\n"
                       "DROP INDEX CONCURRENTLY IF EXISTS idx_reverse_lookup_user;\n")
    runner.migrate(url=url, folder=migrations_dir.path, to="0000_m0")
    m = load_folder(migrations_dir.path, "postgresql")[0][1]
    q(url, "CREATE INDEX idx_user_lookup on tuple (store, _user)")  # what the killed run completed
    q(url, 'INSERT INTO "drizzle"."__mizzle_progress" (created_at, hash, tag, statement, prefix_hash, running) '
           "VALUES (%s, %s, %s, 0, %s, 1)", m.when, m.hash, m.tag, prefix_hash(m.statements, 0))
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert [a.tag for a in res.applied] == [m.tag]
    assert q(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'tuple'") == [("idx_user_lookup",)]


def test_a_chunk_failing_after_its_first_statement_says_what_stays_applied(pg_url: Callable[..., str],
                                                                          migrations_dir: MigrationsDir) -> None:
    """civitai/civitai's Prisma migration 20251117182613_post_metrics_denormalization, marked no-transaction for its
    CREATE INDEX CONCURRENTLY: one chunk (no breakpoints) whose ALTER TABLE "Post" ADD COLUMN ran and committed on
    its own before its CREATE TRIGGER failed. The error showed the chunk's first statement as the one that failed
    and said no statement of it was applied; the rerun then failed on the column that exists."""
    url = pg_url()
    migrations_dir.add('CREATE TABLE "post" ("id" integer);')
    tag = migrations_dir.add("-- mizzle:no-transaction\n"
                             'ALTER TABLE "post" ADD COLUMN "n" integer;\n'
                             'CREATE INDEX CONCURRENTLY "post_n_idx" ON "post" ("n");\n'
                             'ALTER TABLE "nope" ADD COLUMN "m" integer;\n'
                             'CREATE INDEX CONCURRENTLY "post_id_idx" ON "post" ("id");\n')
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    text = str(ei.value)
    assert ei.value.message.startswith(f"{tag}.sql failed at statement 1 of 1 (its part 3 of 4, each run on its "
                                       'own outside a transaction): relation "nope" does not exist'), text
    assert 'statement:\n    ALTER TABLE "nope" ADD COLUMN "m" integer\n' in text, text
    assert "no statement of it was applied" not in text, text
    assert ('parts 1–2 of statement 1 ran outside any transaction and stay applied, unrecorded: a rerun runs '
            "statement 1 again from its first part") in text, text
    assert '  1. ALTER TABLE "post" ADD COLUMN "n" integer\n  2. CREATE INDEX CONCURRENTLY "post_n_idx"' in text
    assert q(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'post'") == [("post_n_idx",)]


def test_concurrently_in_a_transactional_file_says_how_to_mark_it(pg_url: Callable[..., str],
                                                                  migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    tag = migrations_dir.add(statements('CREATE TABLE "u" ("id" integer)',
                                        'CREATE INDEX CONCURRENTLY "u_idx" ON "u" ("id")'))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    msg = ei.value.message
    assert f"{tag}.sql failed at statement 2 of 2" in msg and "cannot run inside a transaction block" in msg
    assert "add `-- mizzle:no-transaction` as the first line" in msg
    assert tables(url) == set()


def test_no_transaction_failure_at_its_first_statement_says_none_stayed(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    # a `generate --online` file of Temporal's visibility schema failed at its first CREATE INDEX CONCURRENTLY
    # (the server out of lock slots): the report said "statements 1–0 stay applied and are recorded"
    url = pg_url()
    migrations_dir.add("-- mizzle:no-transaction\n" + statements(
        'CREATE TABLE "c" ("id" bogus)', 'CREATE TABLE "d" ("id" integer)'))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    msg = str(ei.value)
    assert "statement 1 of 2" in msg and "1–0" not in msg, msg
    assert "no statement of it was applied" in msg and "resumes at statement 1" in msg, msg
    assert tables(url) == set()


def test_no_transaction_failure_keeps_done_statements_and_resumes_after_a_fix(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    tag = migrations_dir.add("-- mizzle:no-transaction\n" + statements(
        'CREATE TABLE "a" ("id" integer)', 'CREATE TABLE "b" ("id" integer)', 'CREATE TABLE "c" ("id" bogus)',
        'CREATE TABLE "d" ("id" integer)'))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert "statement 3 of 4" in ei.value.message and 'type "bogus" does not exist' in ei.value.message
    assert "statements 1–2 stay applied" in str(ei.value) and "resumes at statement 3" in str(ei.value)
    assert tables(url) == {"a", "b"}
    assert q(url, 'SELECT statement FROM "drizzle"."__mizzle_progress"') == [(2,)]
    st = runner.status(url=url, folder=migrations_dir.path).states[0]
    assert st.state == "partly applied" and st.resume_after == 2
    # fixing the failed statement is allowed: only the applied prefix must stay unchanged
    path = migrations_dir.sql_path(tag)
    path.write_text(path.read_text().replace("bogus", "integer"))
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert res.applied[0].resumed_after == 2 and res.applied[0].executed == 2
    assert tables(url) == {"a", "b", "c", "d"}
    assert q(url, 'SELECT count(*) FROM "drizzle"."__mizzle_progress"') == [(0,)]
    assert tracking_rows(url)[0][0] == migration_hash(path.read_text())
    # editing an already-applied statement of a partly applied file is refused
    url2 = pg_url()
    path.write_text(path.read_text().replace('"d" ("id" integer)', '"d" ("id" bogus)'))
    with pytest.raises(StatementFailed):
        runner.migrate(url=url2, folder=migrations_dir.path)
    path.write_text(path.read_text().replace('"a" ("id" integer)', '"a" ("id" bigint)'))
    with pytest.raises(IntegrityError, match="already applied, were modified"):
        runner.migrate(url=url2, folder=migrations_dir.path)


def test_commit_boundary_lets_a_new_enum_value_be_used(pg_url: Callable[..., str],
                                                       migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add("CREATE TYPE \"mood\" AS ENUM ('ok');")
    tag = migrations_dir.add("ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'happy';\n-- mizzle:commit\n"
                             "--> statement-breakpoint\n"
                             "CREATE TABLE \"p\" (\"m\" \"mood\" DEFAULT 'happy');\n--> statement-breakpoint\n"
                             "INSERT INTO \"p\" VALUES ('happy');")
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert [m.tag for m in res.applied][-1] == tag
    assert q(url, 'SELECT m::text FROM "p"') == [("happy",)]


def test_commit_boundary_failure_keeps_the_part_before_and_resumes(pg_url: Callable[..., str],
                                                                   migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    tag = migrations_dir.add(statements('CREATE TABLE "a" ("id" integer)', "-- mizzle:commit\n"
                                        'CREATE TABLE "b" ("id" integer)', 'CREATE TABLE "c" ("id" nope)'))
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert "statements 1–1 (before its commit boundary) stay applied" in str(ei.value)
    assert tables(url) == {"a"}
    path = migrations_dir.sql_path(tag)
    path.write_text(path.read_text().replace("nope", "integer"))
    res = runner.migrate(url=url, folder=migrations_dir.path)
    assert res.applied[0].resumed_after == 1 and tables(url) == {"a", "b", "c"}


def test_to_tag_and_dry_run(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    tags = three_tables(migrations_dir)
    dry = runner.migrate(url=url, folder=migrations_dir.path, dry_run=True)
    assert [m.status for m in dry.migrations] == ["would apply"] * 3
    assert q(url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'drizzle'") == [(0,)]  # nothing created
    res = runner.migrate(url=url, folder=migrations_dir.path, to=tags[1])
    assert [m.tag for m in res.applied] == tags[:2]
    assert tables(url) == {"t0", "t1"}


def test_statement_timeout(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add("SELECT pg_sleep(5);")
    t0 = time.monotonic()
    with pytest.raises(StatementFailed, match="statement timeout"):
        runner.migrate(url=url, folder=migrations_dir.path, statement_timeout=0.3)
    assert time.monotonic() - t0 < 3


def _hold_lock(url: str) -> psycopg.Connection:
    c = psycopg.connect(url, autocommit=True)
    c.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
    return c


def test_lock_timeout_names_the_holder(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    holder = _hold_lock(url)
    try:
        t0 = time.monotonic()
        with pytest.raises(LockTimeout) as ei:
            runner.migrate(url=url, folder=migrations_dir.path, lock_timeout=0.5)
        assert 0.4 < time.monotonic() - t0 < 3
        assert ei.value.exit_code == 4 and "not obtained within 0.5 s" in ei.value.message
        assert f"pid {holder.info.backend_pid}" in ei.value.message
        assert "drizzle" not in {r[0] for r in q(url, "SELECT nspname FROM pg_namespace")}  # lock before DDL
    finally:
        holder.close()


def test_waits_for_the_lock_then_rereads_the_state(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    holder = _hold_lock(url)
    # while we wait, "another runner" applies the migration and releases the lock
    def other() -> None:
        time.sleep(0.5)
        holder.close()
        runner.migrate(url=url, folder=migrations_dir.path)
    waits: list[str] = []

    class Rep(runner.SilentReporter):
        def info(self, message: str) -> None:
            waits.append(message)

    holder_thread = threading.Thread(target=other)
    holder_thread.start()
    res = runner.migrate(url=url, folder=migrations_dir.path, reporter=Rep())
    holder_thread.join()
    assert any("waiting for the migration lock" in w for w in waits)
    # either this run or the other one applied it, exactly once
    assert len(tracking_rows(url)) == 1 and tables(url) == {"a"}
    assert res.lock_wait_s > 0 or res.applied


def test_already_exists_comes_with_hints(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    q(url, 'CREATE TABLE "users" ("id" integer)')
    migrations_dir.add('CREATE TABLE "users" ("id" integer);')
    with pytest.raises(StatementFailed) as ei:
        runner.migrate(url=url, folder=migrations_dir.path)
    assert 'relation "users" already exists' in ei.value.message
    for hint in ("mizzle drift", "mizzle baseline", "generate --idempotent"):
        assert hint in str(ei.value)


def test_custom_tracking_table_and_schema(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    three_tables(migrations_dir)
    runner.migrate(url=url, folder=migrations_dir.path, table="my_migrations", tracking_schema="ops")
    assert len(q(url, 'SELECT * FROM "ops"."my_migrations"')) == 3
    assert runner.migrate(url=url, folder=migrations_dir.path, table="my_migrations",
                          tracking_schema="ops").nothing_to_do


def test_chunk_with_several_statements_runs_like_drizzle(pg_url: Callable[..., str],
                                                         migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    # a hand-written file without breakpoints: drizzle-orm sends it as one simple query
    migrations_dir.add('CREATE TABLE "a" ("id" integer);\nCREATE TABLE "b" ("id" integer);\n'
                       "DO $$ BEGIN PERFORM 1; END $$;")
    runner.migrate(url=url, folder=migrations_dir.path)
    assert tables(url) == {"a", "b"}


def test_status_states(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    st = runner.status(url=url, folder=migrations_dir.path)
    assert st.states == [] and not st.tracking_exists
    three_tables(migrations_dir)
    runner.migrate(url=url, folder=migrations_dir.path, to="0001_m1")
    st = runner.status(url=url, folder=migrations_dir.path)
    assert [(s.tag, s.state) for s in st.states] == [("0000_m0", "applied"), ("0001_m1", "applied"),
                                                      ("0002_m2", "pending")]
    assert st.states[0].applied_at is not None
    j = st.to_json()
    assert j["migrations"][2]["state"] == "pending"


def test_interrupted_create_index_concurrently_is_resumed(pg_url: Callable[..., str],
                                                          migrations_dir: MigrationsDir,
                                                          run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Acceptance 6: a run dies during CREATE INDEX CONCURRENTLY (INVALID index left behind); the rerun drops
    it, rebuilds it, and finishes the file from there."""
    import subprocess
    import sys

    url = pg_url()
    migrations_dir.add(statements('CREATE TABLE "u" ("id" integer)', 'INSERT INTO "u" SELECT generate_series(1, 1000)'))
    migrations_dir.add("-- mizzle:no-transaction\n" + statements(
        'CREATE TABLE "v" ("id" integer)', 'CREATE INDEX CONCURRENTLY "u_id_idx" ON "u" ("id")',
        'CREATE TABLE "w" ("id" integer)'), name="concurrently")
    runner.migrate(url=url, folder=migrations_dir.path, to="0000_m0")
    blocker = psycopg.connect(url)  # an open writer: CREATE INDEX CONCURRENTLY waits for it, index still INVALID
    blocker.execute('INSERT INTO "u" VALUES (0)')
    proc = subprocess.Popen([sys.executable, "-m", "mizzle", "migrate"], cwd=migrations_dir.path.parent,
                            env={**__import__("os").environ, "DATABASE_URL": url}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            waiting = q(url, "SELECT pid FROM pg_stat_activity WHERE application_name = 'mizzle migrate' "
                             "AND query LIKE 'CREATE INDEX CONCURRENTLY%%' AND wait_event_type = 'Lock'")
            if waiting:
                break
            time.sleep(0.02)
        assert waiting, "the runner never reached CREATE INDEX CONCURRENTLY"
        assert q(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_id_idx'::regclass") == [(False,)]
        q(url, "SELECT pg_terminate_backend(%s)", waiting[0][0])  # the runner's session dies mid-statement
        out, err = proc.communicate(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    assert proc.returncode == 1, err
    assert "0001_concurrently.sql failed at statement 2 of 3" in err and "resumes at statement 2" in err
    # statement 1 is recorded as done; statement 2 as started (the session died before it could say more)
    assert q(url, 'SELECT statement, running FROM "drizzle"."__mizzle_progress"') == [(1, 2)]
    assert tables(url) == {"u", "v"}
    res = run_mizzle(["migrate"], cwd=migrations_dir.path.parent, url=url)
    assert res.code == 0, res.stderr
    assert "dropped INVALID index" in res.stderr
    assert q(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_id_idx'::regclass") == [(True,)]
    assert tables(url) == {"u", "v", "w"}
    assert len(tracking_rows(url)) == 2


def test_ctrl_c_cancels_the_running_statement(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    import os
    import signal
    import subprocess
    import sys

    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    migrations_dir.add(statements('CREATE TABLE "b" ("id" integer)', "SELECT pg_sleep(30)"), name="slow")
    proc = subprocess.Popen([sys.executable, "-m", "mizzle", "migrate"], cwd=migrations_dir.path.parent,
                            env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=sigint_default)
    for _ in range(300):
        if q(url, "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"):
            break
        time.sleep(0.02)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - t0 < 5
    assert proc.returncode == 130 and "interrupted" in err
    assert tables(url) == {"a"} and len(tracking_rows(url)) == 1  # the slow migration rolled back
    assert not q(url, "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'")


def test_migrate_and_status_never_import_sqlalchemy_or_rich(pg_url: Callable[..., str],
                                                            migrations_dir: MigrationsDir) -> None:
    import os
    import subprocess
    import sys

    url = pg_url()
    three_tables(migrations_dir)
    probe = ("import sys\nfrom mizzle.cli import main\nsys.argv = ['mizzle', sys.argv[1]]\ntry:\n    main()\n"
             "except SystemExit as e:\n    code = e.code\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'rich', 'pglast'))\n"
             "print(code, heavy, file=sys.stderr)\n")
    for command in ("migrate", "migrate", "status"):  # applying, nothing to do, status
        p = subprocess.run([sys.executable, "-c", probe, command], cwd=migrations_dir.path.parent,
                           env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=60)
        assert p.stderr.strip().splitlines()[-1] == "0 []", p.stderr
