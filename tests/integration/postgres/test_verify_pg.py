"""`mizzle verify` on a real server: replay into a scratch database, compare with snapshots and the schema code,
clean up whatever happens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pg_history
import pytest
from pg_project import fresh_config, write_project
from pgtools import HOST, PORT, USER, admin, drain_drops, url_for
from subprocs import sigint_default

from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.dialects.postgres.scratch import SCRATCH_PREFIX
from mizzle.errors import IntegrityError
from mizzle.migrations.folder import MigrationFolder

pytestmark = pytest.mark.pg

SERVER = url_for("postgres")


def scratch_databases() -> set[str]:
    with admin() as c:
        return {r[0] for r in c.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                         (SCRATCH_PREFIX + "%",)).fetchall()}


def assert_none_left(before: set[str], wait: float = 90) -> None:
    """No scratch database made since `before` is left. Another test worker's verify may have one of its own open
    meanwhile (the suite runs on several): such a one goes when that verify ends, a leftover of this test never."""
    deadline = time.monotonic() + wait
    while (left := scratch_databases() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, left


def history_project(root: Path, steps: int) -> None:
    for n in range(1, steps + 1):
        write_project(root, pg_history.step(n))
        generate(fresh_config(root), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))


def test_whole_history_verifies(tmp_path: Path) -> None:
    history_project(tmp_path, len(pg_history.STEPS))
    before = scratch_databases()
    result = verify(fresh_config(tmp_path), url=SERVER)
    assert result.ok, result.to_json()
    assert result.scratch.startswith(f"database {SCRATCH_PREFIX}") and result.scratch.endswith(f" on {HOST}:{PORT}")
    assert [s.tag for s in result.steps] == [f"{i:04d}_step{i + 1}" for i in range(len(pg_history.STEPS))]
    assert all(s.compared for s in result.steps) and result.code_changes == []
    assert_none_left(before)


def test_a_failing_migration_is_named_after_the_steps_before_it(tmp_path: Path) -> None:
    # the comparison of each step finishes while the next migration applies (verify's _Later): the steps before
    # the one that fails are still told, in order, and nothing is left behind
    history_project(tmp_path, 3)
    broken = MigrationFolder(tmp_path / "migrations").migrations()[2].sql_path
    broken.write_text(broken.read_text() + "\n--> statement-breakpoint\nALTER TABLE nowhere ADD COLUMN x integer;\n")
    before = scratch_databases()
    told: list[str] = []
    with pytest.raises(IntegrityError, match="0002_step3"):
        verify(fresh_config(tmp_path), url=SERVER, on_step=lambda s: told.append(s.tag))
    assert told == ["0000_step1", "0001_step2"]
    assert_none_left(before)


def test_roles_the_migrations_create_are_dropped_after_the_replay(tmp_path: Path) -> None:
    # roles are the cluster's: they outlived the scratch database, and the next verify's CREATE ROLE failed on them
    # (tambo's folder); a role that existed before the replay stays, whatever the migrations say about it
    made, kept = f"mz_made_{uuid.uuid4().hex[:8]}", f"mz_kept_{uuid.uuid4().hex[:8]}"
    history_project(tmp_path, 2)
    first = MigrationFolder(tmp_path / "migrations").migrations()[0].sql_path
    first.write_text(first.read_text() + f'\n--> statement-breakpoint\nCREATE ROLE "{made}" NOLOGIN;'
                     f'\n--> statement-breakpoint\nGRANT SELECT ON users TO "{made}";'
                     f"\n--> statement-breakpoint\nDO $$ BEGIN CREATE ROLE {kept}; "
                     "EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n")
    with admin() as c:
        c.execute(f"CREATE ROLE {kept}")
    try:
        for _ in range(2):  # the second replay's CREATE ROLE finds no role left by the first
            verify(fresh_config(tmp_path), url=SERVER)
            with admin() as c:
                roles = {r[0] for r in c.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)",
                                                 (made, kept)).fetchall()}
            assert roles == {kept}
    finally:
        with admin() as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{made}"')
            c.execute(f"DROP ROLE IF EXISTS {kept}")


def test_hand_edited_sql_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    history_project(tmp_path, 3)
    edited = MigrationFolder(tmp_path / "migrations").migrations()[1].sql_path
    text = edited.read_text()
    assert "ADD COLUMN \"visits\"" in text
    assert "DEFAULT 0" in text  # the edit below must change something
    edited.write_text(text.replace("DEFAULT 0", "DEFAULT 7"))
    before = scratch_databases()
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3, r.stderr
    # which object differs and how, on the first line, and what that means (issue 15 item 8)
    first = r.first_error_line
    assert first.startswith("error: 0001_step2: the database its SQL builds differs from its snapshot in 1 place")
    assert "users.visits" in first and "default 0 → 7" in first and "the SQL and its snapshot disagree" in first
    assert_none_left(before)
    # the schema code is compared too: a change not yet generated
    edited.write_text(text)
    write_project(tmp_path, pg_history.step(3).replace("    age = mapped_column(sa.SmallInteger)\n",
                                                       "    age = mapped_column(sa.SmallInteger)\n"
                                                       "    shoe = mapped_column(sa.Integer)\n"))
    r = run_mizzle(["verify", "--json"], cwd=tmp_path, url=SERVER)
    assert r.code == 3 and "differs from the schema code" in r.first_error_line
    assert '"first_divergence": null' in r.stdout and "+ column users.shoe" in r.stdout


def test_the_advice_for_a_right_sql_rebuilds_its_snapshot_and_the_later_ones(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # verify advised `mizzle check --rebuild-snapshots`, which keeps every readable snapshot ("0 snapshot(s)
    # rebuilt, 94 kept") and verify failed again; --from TAG rebuilds TAG's snapshot and every later one
    from mizzle.commands.verify import rebuild_snapshots
    from mizzle.errors import UsageError

    history_project(tmp_path, 3)
    edited = MigrationFolder(tmp_path / "migrations").migrations()[1].sql_path
    edited.write_text(edited.read_text().replace("DEFAULT 0", "DEFAULT 7"))  # the SQL is right, say
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3 and "`mizzle check --rebuild-snapshots --from 0001_step2`" in r.stderr, r.stderr
    with pytest.raises(UsageError, match="--from 0009_nope: no such migration"):
        rebuild_snapshots(fresh_config(tmp_path), scratch_url=SERVER, from_tag="0009_nope")
    assert run_mizzle(["check", "--from", "0001_step2"], cwd=tmp_path).code == 2
    # named as revert and mark name it: by its index (`1`, `0001`) as well as by its tag
    r = run_mizzle(["check", "--rebuild-snapshots", "--from", "0001"], cwd=tmp_path, url=SERVER)
    assert r.code == 0 and "2 snapshot(s) rebuilt, 1 kept" in r.stdout, r.stdout + r.stderr
    result = verify(fresh_config(tmp_path), url=SERVER)  # every step matches; the code still says 0
    assert result.first_divergence is None and result.code_changes == ["~ column users.visits: default 7 → 0"], \
        result.to_json()


def test_no_permission_to_create_a_scratch_database(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    role = f"mzt_nocreatedb_{uuid.uuid4().hex[:8]}"
    with admin() as c:
        c.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        history_project(tmp_path, 1)
        r = run_mizzle(["verify"], cwd=tmp_path, url=f"postgresql://{role}@{HOST}:{PORT}/postgres")
        assert r.code == 2
        assert "cannot create a scratch database" in r.first_error_line
        assert "pass --scratch-url" in r.first_error_line and "Traceback" not in r.stderr
        r = run_mizzle(["check", "--rebuild-snapshots"], cwd=tmp_path, url=f"postgresql://{role}@{HOST}:{PORT}/postgres")
        assert r.code == 2 and "pass --scratch-url" in r.first_error_line, r.stderr
        ok = run_mizzle(["verify", "--scratch-url", SERVER], cwd=tmp_path,
                        url=f"postgresql://{role}@{HOST}:{PORT}/postgres")
        assert ok.code == 0, ok.stderr
    finally:
        with admin() as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_unreachable_server(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    history_project(tmp_path, 1)
    r = run_mizzle(["verify", "--connect-timeout", "2"], cwd=tmp_path, url="postgresql://nobody@127.0.0.1:1/postgres")
    assert r.code == 5 and "cannot connect" in r.first_error_line
    # a server that is named is used, never replaced by a throwaway cluster
    r = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", "postgresql://nobody@127.0.0.1:1/postgres"],
                   cwd=tmp_path)
    assert r.code == 5 and "cannot connect" in r.first_error_line and "Traceback" not in r.stderr


def test_ctrl_c_drops_the_scratch_database(tmp_path: Path) -> None:
    history_project(tmp_path, 1)
    generate(fresh_config(tmp_path), name="slow", custom=True)
    slow = MigrationFolder(tmp_path / "migrations").migrations()[-1].sql_path
    slow.write_text(slow.read_text() + "SELECT pg_sleep(20);\n")
    before = scratch_databases()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = SERVER
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "verify"], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=sigint_default)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with admin() as c:
                sleeping = c.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(20)%%' "
                                     "AND pid <> pg_backend_pid() AND datname LIKE %s AND usename = %s", (SCRATCH_PREFIX + "%", USER)).fetchone()
            if sleeping and sleeping[0]:
                break
            time.sleep(0.1)
        else:
            pytest.fail("verify never reached the slow migration")
        assert scratch_databases() - before
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode != 0 and ("interrupted" in err or "aborted" in err), err
    assert_none_left(before)


def test_check_rebuild_snapshots(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    import json

    history_project(tmp_path, 3)
    meta = tmp_path / "migrations" / "meta"
    second = json.loads((meta / "0001_snapshot.json").read_text())
    third = json.loads((meta / "0002_snapshot.json").read_text())
    (meta / "0001_snapshot.json").unlink()
    missing = run_mizzle(["check"], cwd=tmp_path)  # not the latest: a warning (generate never reads it)
    assert missing.code == 0 and "snapshot of 0001_step2 is missing" in missing.stderr + missing.stdout
    before = scratch_databases()
    r = run_mizzle(["check", "--rebuild-snapshots"], cwd=tmp_path, url=SERVER)
    assert r.code == 0, r.stderr
    assert "rebuilt the snapshot of 0001_step2" in r.stdout and "1 snapshot(s) rebuilt, 2 kept" in r.stdout
    rebuilt = json.loads((meta / "0001_snapshot.json").read_text())
    assert rebuilt["id"] == third["prevId"] == second["id"] and rebuilt["prevId"] == second["prevId"]
    assert run_mizzle(["check"], cwd=tmp_path).code == 0
    # a corrupt one too; then the folder verifies and generate finds nothing new
    (meta / "0002_snapshot.json").write_text("{ not json")
    r = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", SERVER], cwd=tmp_path)
    assert r.code == 0 and "rebuilt the snapshot of 0002_step3" in r.stdout, r.stderr
    assert verify(fresh_config(tmp_path), url=SERVER).ok
    assert not generate(fresh_config(tmp_path)).written
    assert_none_left(before)


def test_a_check_that_compared_nothing_never_says_ok(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # issue 15 item 2: verify printed "ok: 2 replayed, 0 matched" and exit 0 when it found no snapshot
    history_project(tmp_path, 2)
    meta = tmp_path / "migrations" / "meta"
    for p in meta.glob("*_snapshot.json"):
        p.rename(meta / f"moved_{p.name}")
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3, r.stdout + r.stderr
    assert "ok:" not in r.stdout
    assert r.first_error_line.startswith("error: verify compared 0 of 2 migration(s) with their snapshots")
    assert "0000_step1: not compared" in r.stdout and "meta/0000_snapshot.json is missing" in r.stderr
    # one snapshot back, the other unreadable: named, with why
    (meta / "moved_0000_snapshot.json").rename(meta / "0000_snapshot.json")
    (meta / "0001_snapshot.json").write_text('{"id": "x", "prevId": "y", "tables": 7}')
    j = run_mizzle(["verify", "--json"], cwd=tmp_path, url=SERVER)
    assert j.code == 3
    import json

    data = json.loads(j.stdout)
    assert data["ok"] is False and data["not_compared"] == ["0001_step2"]
    why = data["migrations"][1]["not_compared_because"]
    assert why.startswith("mizzle could not read meta/0001_snapshot.json"), why


def test_scratch_url_keeps_socket_directory_and_query() -> None:
    from mizzle.dburl import parse_url
    from mizzle.dialects.postgres.scratch import _with_database

    url = _with_database(parse_url("postgresql://app:p%40ss@/postgres?host=/run/pg&sslmode=disable"), "mizzle_verify_1")
    assert url == "postgresql://app:p%40ss@/mizzle_verify_1?host=/run/pg&sslmode=disable"
    db = parse_url(url)
    assert (db.host, db.database, db.password, db.query) == ("/run/pg", "mizzle_verify_1", "p@ss", (("sslmode", "disable"),))
    assert _with_database(parse_url("postgresql://u@h:6543/x"), "s") == "postgresql://u@h:6543/s"


def test_an_order_drizzle_kit_leaves_out_of_an_index_column_with_an_operator_class_is_explained(
        tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # dittofeed's folder: the snapshot has {"nulls": "first", "opclass": "uuid_ops"}, the SQL drizzle-kit wrote
    # `("parentWorkspaceId" uuid_ops, …)` — its SQL writes the operator class and leaves the order out
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        't = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text), '
        'sa.Column("b", sa.Text))\nsa.Index("t_a_b", t.c.a.desc().nullslast(), t.c.b)\n')
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    m = MigrationFolder(tmp_path / "drizzle").migrations()[0]
    m.sql_path.write_text(m.sql_path.read_text().replace('("a" DESC NULLS LAST, "b")', '("a" text_pattern_ops, "b")'))
    assert m.snapshot_path is not None
    snap = json.loads(m.snapshot_path.read_text())
    snap["tables"]["public.t"]["indexes"]["t_a_b"]["columns"][0]["opclass"] = "text_pattern_ops"
    m.snapshot_path.write_text(json.dumps(snap))
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3 and "index t_a_b on t: columns" in r.first_error_line, r.stderr
    # every difference explained by a note: the error line does not blame a hand edit (it did, on dittofeed's 0002)
    assert "edited by hand" not in r.first_error_line and "not a hand edit: see the note" in r.first_error_line
    assert "note: index t_a_b on t: drizzle-kit's SQL leaves DESC / NULLS FIRST out of an index column with an " \
           "operator class" in r.stderr
    r = run_mizzle(["verify", "--json"], cwd=tmp_path, url=SERVER)
    assert json.loads(r.stdout)["migrations"][0]["notes"][0].startswith("index t_a_b on t: drizzle-kit's SQL")


def test_drizzle_kits_identity_drop_and_no_cycle_left_out_are_explained(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # drizzle-kit 0.31's own pg-identity and pg-sequences cases (fx57): dropping a column's identity it writes
    # `ALTER COLUMN "id" DROP IDENTITY` alone (NOT NULL stays, its snapshot says nullable), and turning a sequence's
    # cycle off it writes ALTER SEQUENCE without NO CYCLE; verify blamed a hand edit
    (tmp_path / "app").mkdir()
    schema = tmp_path / "app" / "schema.py"
    schema.write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n"
                      't = sa.Table("t", md, sa.Column("k", sa.Integer, primary_key=True), '
                      'sa.Column("id", sa.Integer, sa.Identity(), nullable=False))\n'
                      's = sa.Sequence("s", metadata=md, cycle=True)\n')
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    assert run_mizzle(["generate", "--name", "one"], cwd=tmp_path).code == 0
    schema.write_text(schema.read_text().replace(', sa.Identity(), nullable=False', '').replace("cycle=True", "cycle=False"))
    assert run_mizzle(["generate", "--name", "two"], cwd=tmp_path).code == 0
    m = MigrationFolder(tmp_path / "drizzle").migrations()[1]
    assert run_mizzle(["verify"], cwd=tmp_path, url=SERVER).code == 0  # mizzle's own SQL: DROP NOT NULL, NO CYCLE
    m.sql_path.write_text('ALTER SEQUENCE "public"."s" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START '
                          'WITH 1 CACHE 1;--> statement-breakpoint\nALTER TABLE "t" ALTER COLUMN "id" DROP IDENTITY;')
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3 and "0001_two" in r.first_error_line, r.stderr
    assert "edited by hand" not in r.first_error_line and "not a hand edit: see the note" in r.first_error_line
    assert "note: column t.id: drizzle-kit's SQL drops its identity but leaves NOT NULL on" in r.stderr
    assert "note: sequence s: drizzle-kit's ALTER SEQUENCE writes no NO CYCLE" in r.stderr


def test_a_trigger_the_code_hands_to_create_all_and_a_custom_migration_makes_is_no_difference(
        tmp_path: Path) -> None:
    # SQLAlchemy-Continuum's native versioning: the audit function and trigger are DDL listened for on the table
    # (after_create), which generate warns of and advises to write into a `--custom` migration. Done so, in a folder
    # without mizzle's sidecar: drift and generate --check were clean, but verify reported the trigger and the
    # function as differences from the schema code ("run `mizzle generate`", which found nothing to do).
    write_project(tmp_path, '''import sqlalchemy as sa
md = sa.MetaData()
article = sa.Table("article", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
sa.event.listen(article, "after_create", sa.DDL(
    "CREATE FUNCTION article_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"))
sa.event.listen(article, "after_create", sa.DDL(
    "CREATE TRIGGER article_trigger AFTER INSERT ON article FOR EACH ROW EXECUTE FUNCTION article_audit()"))
''')
    generate(fresh_config(tmp_path), name="init")
    custom = generate(fresh_config(tmp_path), name="audit", custom=True)
    path = next((tmp_path / "migrations").glob("0001_*.sql"))
    path.write_text(path.read_text(encoding="utf-8") + "\nCREATE FUNCTION article_audit() RETURNS trigger LANGUAGE "
                    "plpgsql AS $$ BEGIN RETURN NEW; END $$;--> statement-breakpoint\nCREATE TRIGGER article_trigger "
                    "AFTER INSERT ON article FOR EACH ROW EXECUTE FUNCTION article_audit();\n", encoding="utf-8")
    assert custom is not None and not (tmp_path / "migrations" / "meta" / "_mizzle.json").exists()
    result = verify(fresh_config(tmp_path), url=SERVER)
    assert result.ok and result.code_changes == [], result.to_json()
    assert any("article_trigger" in u for u in result.unmanaged), result.unmanaged  # listed, as drift lists it
    # what the code declares and the migrations lack is still a difference
    write_project(tmp_path, '''import sqlalchemy as sa
md = sa.MetaData()
article = sa.Table("article", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Text))
''')
    result = verify(fresh_config(tmp_path), url=SERVER)
    assert result.code_changes == ["~ column article.n: type integer → text"], result.code_changes


def test_a_key_drop_drizzle_kit_left_commented_out_is_explained(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # inkeep/agents' runtime 0011: drizzle-kit 0.x cannot name a primary key it drops, so its SQL holds a comment
    # ("Unfortunately in current drizzle-kit version we can't automatically get name for primary key") and
    # `-- ALTER TABLE "t" DROP CONSTRAINT "<constraint_name>";`; the database keeps the key its snapshot dropped
    from mizzle.commands.verify import rebuild_snapshots
    from mizzle.config import load_config

    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text('CREATE TABLE "installs" (\n\t"id" varchar(256) PRIMARY KEY NOT NULL,\n'
                                       '\t"n" text\n);\n')
    (out / "0001_keyless.sql").write_text(
        "/* \n    Unfortunately in current drizzle-kit version we can't automatically get name for primary key.\n*/\n\n"
        '-- ALTER TABLE "installs" DROP CONSTRAINT "<constraint_name>";--> statement-breakpoint\n'
        'ALTER TABLE "installs" ADD COLUMN "m" text;')
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
               for i, tag in enumerate(["0000_init", "0001_keyless"])]
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=SERVER)
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)
    snap_path = out / "meta" / "0001_snapshot.json"
    snap = json.loads(snap_path.read_text())
    snap["tables"]["public.installs"]["columns"]["id"]["primaryKey"] = False  # what drizzle-kit's snapshot says
    snap_path.write_text(json.dumps(snap))
    r = run_mizzle(["verify"], cwd=tmp_path, url=SERVER)
    assert r.code == 3 and "first: + primary key on installs (id)" in r.first_error_line, r.stderr
    assert 'note: primary key on installs: drizzle-kit cannot name a key it drops' in r.stderr
    assert 'DROP CONSTRAINT "installs_pkey"' in r.stderr
