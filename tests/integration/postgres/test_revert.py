"""revert: for every step N of the history, applying `revert N` to a database at N gives state N-1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import admin, drop_later, schema_dump, temp_database, url_for

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.revert import revert
from mizzle.config import load_config
from mizzle.errors import IntegrityError, UsageError
from mizzle.migrations.check import check_folder

pytestmark = pytest.mark.pg


def clone_database(src_url: str, name: str) -> str:
    with admin() as c:
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{src_url.rsplit("/", 1)[1]}"')
    return url_for(name)


def test_revert_every_step_restores_the_previous_state(tmp_path: Path) -> None:
    project = tmp_path / "p"
    with temp_database("mzrev") as main:
        prev_dump = schema_dump(main)
        for n in range(1, len(pg_history.STEPS) + 1):
            write_project(project, pg_history.step(n))
            generate(fresh_config(project), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
            mizzle.migrate(url=main, folder=project / "migrations")
            # revert in a copy of the project, applied to a copy of the database
            copy = tmp_path / f"copy{n}"
            shutil.copytree(project, copy)
            result, warnings = revert(load_config(copy / "mizzle.toml"), f"{n - 1:04d}")
            assert result.written and result.tag.endswith(f"_revert_step{n}")
            if any(c.startswith("+ table") for c in pg_history_changes(project, n)):
                assert any(w.startswith("data loss: - table") for w in warnings)
            clone = f"mzrevc_{n}_{main.rsplit('_', 1)[1]}"
            url = clone_database(main, clone)
            try:
                applied = mizzle.migrate(url=url, folder=copy / "migrations")
                assert [m.tag for m in applied.migrations if m.status == "applied"] == [result.tag]
                assert schema_dump(url) == prev_dump, f"revert of step {n} did not restore step {n - 1}"
            finally:
                drop_later(clone)
            prev_dump = schema_dump(main)


def pg_history_changes(project: Path, n: int) -> list[str]:
    sql = sorted((project / "migrations").glob(f"{n - 1:04d}_*.sql"))[0].read_text()
    return ["+ table"] if "CREATE TABLE" in sql else []


OLD_BASE = """
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text){nick})
"""
POSTS = """
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")), sa.Column("title", sa.Text){body})
"""
NICK = ', sa.Column("nickname", sa.String(40), server_default="anon")'


def old_history(root: Path) -> None:
    """0000 users, 0001 + posts, 0002 + users.nickname."""
    for n, src in enumerate([OLD_BASE.format(nick=""), OLD_BASE.format(nick="") + POSTS.format(body=""),
                             OLD_BASE.format(nick=NICK) + POSTS.format(body="")]):
        write_project(root, src)
        assert generate(fresh_config(root), name=f"s{n}").written


def test_revert_an_older_migration_under_later_ones(tmp_path: Path) -> None:
    project, expected_project = tmp_path / "p", tmp_path / "expected"
    old_history(project)
    result, warnings = revert(fresh_config(project), "0001")
    assert result.tag == "0003_revert_s1" and "- table posts" in result.changes, result.changes
    assert not [c for c in result.changes if "nickname" in c], result.changes  # 0002's change stays
    assert any(w.startswith("data loss: - table posts") for w in warnings)
    # the new snapshot is the latest with 0001's change undone: code without posts has nothing to generate
    write_project(project, OLD_BASE.format(nick=NICK))
    assert not generate(fresh_config(project), check=True).written
    assert check_folder(project / "migrations", "postgresql").ok
    write_project(expected_project, OLD_BASE.format(nick=NICK))
    generate(fresh_config(expected_project), name="expected")
    with temp_database("mzrevold") as url, temp_database("mzrevexp") as expected:
        mizzle.migrate(url=url, folder=project / "migrations", to="0002_s2")
        applied = mizzle.migrate(url=url, folder=project / "migrations")
        assert [m.tag for m in applied.applied] == ["0003_revert_s1"]
        mizzle.migrate(url=expected, folder=expected_project / "migrations")
        assert schema_dump(url) == schema_dump(expected)


def test_revert_refuses_an_older_migration_whose_objects_changed_later(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    old_history(tmp_path)
    write_project(tmp_path, OLD_BASE.format(nick=NICK) + POSTS.format(body=', sa.Column("body", sa.Text)'))
    generate(fresh_config(tmp_path), name="s3")
    before = sorted(p.name for p in (tmp_path / "migrations").rglob("*"))
    r = run_mizzle(["revert", "0001"], cwd=tmp_path)
    assert r.code == 3, r.stderr
    assert "later migrations (0002_s2, 0003_s3) changed the same object(s): table posts" in r.first_error_line
    assert sorted(p.name for p in (tmp_path / "migrations").rglob("*")) == before
    # a later table referencing the one 0001 created: undoing 0001 would leave its foreign key dangling
    other = tmp_path / "fk"
    old_history(other)
    write_project(other, OLD_BASE.format(nick=NICK) + POSTS.format(body="") + """
comments = sa.Table("comments", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id")))
""")
    generate(fresh_config(other), name="s3")
    with pytest.raises(IntegrityError, match="references table posts"):
        revert(fresh_config(other), "0001")
    with pytest.raises(UsageError, match="no migration tagged"):
        revert(fresh_config(other), "nope")


def test_revert_refuses_a_type_change_a_later_foreign_key_was_made_for(tmp_path: Path) -> None:
    # reactive-resume's 20260507144406_fast_nova made resume.id text (from uuid); a later migration made
    # agent_actions with a text column referencing it. Reverting fast_nova wrote resume.id uuid again, and
    # PostgreSQL refused the key made again over it: "Key columns "resume_id" and "id" are of incompatible types"
    head = "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\nmd = sa.MetaData()\n"
    resume = 'resume = sa.Table("resume", md, sa.Column("id", {t}, primary_key=True))\n'
    actions = 'actions = sa.Table("actions", md, sa.Column("id", sa.Integer, primary_key=True), ' \
              'sa.Column("resume_id", sa.Text, sa.ForeignKey("resume.id")))\n'
    for n, src in enumerate([resume.format(t="pg.UUID"), resume.format(t="sa.Text"),
                             resume.format(t="sa.Text") + actions]):
        write_project(tmp_path, head + src)
        assert generate(fresh_config(tmp_path), name=f"s{n}").written
    with pytest.raises(IntegrityError, match=r"foreign key actions_resume_id_resume_id_fk on actions was made over "
                                             r"column\(s\) resume.id, whose type the other side changes"):
        revert(fresh_config(tmp_path), "0001")
    result, _ = revert(fresh_config(tmp_path), "0002")  # the later table itself goes back as it came
    assert "- table actions" in result.changes, result.changes


def test_revert_over_a_key_on_an_array_column_spelled_with_other_dimensions(tmp_path: Path) -> None:
    # text[][] (the models' ARRAY(dimensions=2), kept by the snapshot) and text[] are one type on the server:
    # 0001 spelled it text[] beside an unrelated column, and the key 0002 made over it is no conflict
    head = "import sqlalchemy as sa\nmd = sa.MetaData()\n"
    resume = 'resume = sa.Table("resume", md, sa.Column("id", sa.Integer, primary_key=True), ' \
             'sa.Column("tags", {t}, unique=True){more})\n'
    actions = 'actions = sa.Table("actions", md, sa.Column("id", sa.Integer, primary_key=True), ' \
              'sa.Column("tags", sa.ARRAY(sa.Text), sa.ForeignKey("resume.tags")))\n'
    later = resume.format(t="sa.ARRAY(sa.Text)", more=', sa.Column("note", sa.Text)')
    for n, src in enumerate([resume.format(t="sa.ARRAY(sa.Text, dimensions=2)", more=""), later, later + actions]):
        write_project(tmp_path, head + src)
        assert generate(fresh_config(tmp_path), name=f"s{n}").written
    result, _ = revert(fresh_config(tmp_path), "0001")
    assert result.changes == ["- column resume.note"], result.changes


def test_revert_cli_then_generate_check_reports_the_change(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    write_project(tmp_path, pg_history.step(1))
    assert run_mizzle(["generate", "--name", "one"], cwd=tmp_path).code == 0
    write_project(tmp_path, pg_history.step(2))
    assert run_mizzle(["generate", "--name", "two"], cwd=tmp_path).code == 0
    r = run_mizzle(["revert", "0001_two"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "0002_revert_two.sql" in r.stdout and "warning: data loss: - table posts" in r.stderr
    # the code still has step 2's change: generate --check says so until the code is reverted too
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 3
    write_project(tmp_path, pg_history.step(1))
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0
    with temp_database("mzrevcli") as url:
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert r.code == 0, r.stderr
        with psycopg.connect(url) as c:
            assert c.execute("SELECT to_regclass('public.posts')").fetchone() == (None,)


def test_revert_an_older_rename(tmp_path: Path) -> None:
    users = 'import sqlalchemy as sa\nmd = sa.MetaData()\nusers = sa.Table("users", md, sa.Column("id", sa.Integer, ' \
            'primary_key=True), sa.Column("{col}", sa.Text))\n'
    posts = 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True))\n'
    write_project(tmp_path, users.format(col="name"))
    generate(fresh_config(tmp_path), name="users")
    write_project(tmp_path, users.format(col="full_name"))
    generate(fresh_config(tmp_path), name="rename", renames={"users.name": "users.full_name"})
    write_project(tmp_path, users.format(col="full_name") + posts)
    generate(fresh_config(tmp_path), name="posts")
    result, warnings = revert(fresh_config(tmp_path), "0001_rename")
    assert len(result.changes) == 1 and "rename" in result.changes[0], result.changes  # not a drop + add
    assert warnings == []
    write_project(tmp_path, users.format(col="name") + posts)
    assert not generate(fresh_config(tmp_path), check=True).written


def test_revert_leaves_an_extension_version_the_migration_did_not_change(tmp_path: Path) -> None:
    """Boundary's pulled baseline records its extensions' versions (btree_gist 1.7, …) and the module pull writes
    declares none (a version left out is not compared): generate's next snapshot has none, and reverting that
    migration wrote `ALTER EXTENSION … UPDATE TO` for each extension, a change the migration never made."""
    base = 'import sqlalchemy as sa\nfrom mizzle.pg import Extension\nmd = sa.MetaData()\n'
    write_project(tmp_path, base + 'trgm = Extension("pg_trgm", schema="public", version="1.6")\n')
    assert generate(fresh_config(tmp_path), name="s0").written
    write_project(tmp_path, base + 'trgm = Extension("pg_trgm", schema="public")\n'
                  'users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    assert generate(fresh_config(tmp_path), name="s1").written
    result, _ = revert(fresh_config(tmp_path), "0001")
    assert result.changes == ["- table users"], result.changes
    assert not [s for s in result.statements if "EXTENSION" in s], result.statements


def test_revert_drops_the_extension_the_migration_created(tmp_path: Path) -> None:
    """Temporal's visibility schema (btree_gin for its GIN indexes), pulled and generated again: reverting the
    migration that made the extension left it in the database and out of the new snapshot without a word, and
    reverting a later migration that only declared it said it had nothing left to undo: the snapshot before it
    tracks no extensions (its code declared none), which the revert read as "not compared"."""
    base = 'import sqlalchemy as sa\nfrom mizzle.pg import Extension\nmd = sa.MetaData()\n' \
        'users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))\n'
    write_project(tmp_path, base)
    assert generate(fresh_config(tmp_path), name="s0").written
    write_project(tmp_path, base + 'gin = Extension("btree_gin", schema="public")\n')
    assert generate(fresh_config(tmp_path), name="s1").written
    with temp_database("mzrevext") as url:
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        result, _ = revert(fresh_config(tmp_path), "0001")
        assert result.changes == ["- extension btree_gin"], result.changes
        assert result.statements == ['DROP EXTENSION "btree_gin"'], result.statements
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            assert not c.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'").fetchall()
        # the first migration too: undoing it undoes its CREATE EXTENSION
        result, _ = revert(fresh_config(tmp_path), "0000")
        assert result.changes == ["- table users"], result.changes
    first = tmp_path.parent / "first"
    write_project(first, base + 'gin = Extension("btree_gin", schema="public")\n')
    assert generate(fresh_config(first), name="s0").written
    result, _ = revert(fresh_config(first), "0000")
    assert sorted(result.changes) == ["- extension btree_gin", "- table users"], result.changes
    # a grant is the same kind of declaration: the code declared none before
    granted = tmp_path.parent / "granted"
    write_project(granted, base)
    assert generate(fresh_config(granted), name="s0").written
    write_project(granted, base + 'from mizzle.pg import Grant\ng = Grant("SELECT", to="public", on=users)\n')
    assert generate(fresh_config(granted), name="s1").written
    result, _ = revert(fresh_config(granted), "0001")
    assert len(result.statements) == 1 and result.statements[0].startswith("REVOKE"), result.statements


TEAM = """
import sqlalchemy as sa
md = sa.MetaData()
team = sa.Table("team", md, sa.Column("name", sa.String(50), primary_key=True){code})
"""


def test_revert_cli_lints_the_migration_it_wrote(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Undoing a dropped NOT NULL column with no default adds it back so, which fails on a table holding rows
    (reverting Airflow 3.1.8 → 3.3.2, which dropped team.id): revert says so as generate does, by linting the
    file it wrote (MZ201), and --json carries the findings."""
    write_project(tmp_path, TEAM.format(code=', sa.Column("code", sa.String(32), nullable=False)'))
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    write_project(tmp_path, TEAM.format(code=""))
    assert run_mizzle(["generate", "--name", "drop_code"], cwd=tmp_path).code == 0
    shutil.copytree(tmp_path, tmp_path.parent / "json")
    r = run_mizzle(["revert", "0001", "--json"], cwd=tmp_path.parent / "json")
    assert r.code == 0, r.stderr
    assert [f["rule"] for f in json.loads(r.stdout)["lint"]] == ["MZ201"]
    r = run_mizzle(["revert", "0001"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "error MZ201" in r.stdout and "public.team.code added NOT NULL with no default" in r.stdout
    with temp_database("mzrevlint") as url:
        assert run_mizzle(["migrate", "--to", "0001_drop_code"], cwd=tmp_path, url=url).code == 0
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO team (name) VALUES ('t1')")
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert r.code != 0 and 'column "code" of relation "team" contains null values' in r.stderr, r.stderr


def test_revert_ignores_an_identity_bound_respelled_as_a_float(tmp_path: Path) -> None:
    """lmnr's pulled snapshots write bigint's maximum as JavaScript printed it, 9223372036854776000 in one and
    9223372036854775000 in the next: both are 2^63-1 (compare reads them so), and revert took the respelling for a
    change, writing `SET MAXVALUE 9223372036854776000`, which PostgreSQL rejects (22003, out of range for bigint)."""
    import json

    src = 'import sqlalchemy as sa\nmd = sa.MetaData()\ntiers = sa.Table("tiers", md, sa.Column("id", sa.BigInteger, ' \
          'sa.Identity(), primary_key=True))\n'
    write_project(tmp_path, src)
    assert generate(fresh_config(tmp_path), name="tiers").written
    write_project(tmp_path, src + 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    assert generate(fresh_config(tmp_path), name="posts").written
    for snap, spelled in (("0000", "9223372036854776000"), ("0001", "9223372036854775000")):
        path = tmp_path / "migrations" / "meta" / f"{snap}_snapshot.json"
        doc = json.loads(path.read_text())
        ident = doc["tables"]["public.tiers"]["columns"]["id"]["identity"]
        assert ident["maxValue"] == "9223372036854775807", ident
        ident["maxValue"] = spelled
        path.write_text(json.dumps(doc))
    result, _ = revert(fresh_config(tmp_path), "0001")
    assert result.changes == ["- table posts"], result.changes
    with temp_database("mzrevflt") as url:
        applied = mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert [m.tag for m in applied.applied][-1] == result.tag
        assert "posts" not in schema_dump(url)


def test_revert_an_older_migration_under_a_later_snapshot_that_respells_a_fact(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """lmnr's pulled snapshots respell facts they did not change (bigint's maximum as 9223372036854776000 in one,
    9223372036854775000 in the next; index columns given a neighbour's operator class): reverting an older
    migration was refused (exit 3) as though it and a later one had both changed the column or index it only
    respelled. The merge compares the snapshots in the server's forms; a real conflict is still refused."""
    import json

    tiers = 'import sqlalchemy as sa\nmd = sa.MetaData()\ntiers = sa.Table("tiers", md, sa.Column("id", sa.BigInteger, ' \
            'sa.Identity(), primary_key=True){cols})\n'
    for n, cols in enumerate(["", ', sa.Column("name", sa.Text)',
                              ', sa.Column("name", sa.Text), sa.Column("price", sa.Integer)']):
        write_project(tmp_path, tiers.format(cols=cols))
        assert generate(fresh_config(tmp_path), name=f"s{n}").written
    for snap, spelled in (("0001", "9223372036854776000"), ("0002", "9223372036854775000")):
        path = tmp_path / "migrations" / "meta" / f"{snap}_snapshot.json"
        doc = json.loads(path.read_text())
        doc["tables"]["public.tiers"]["columns"]["id"]["identity"]["maxValue"] = spelled
        path.write_text(json.dumps(doc))
    r = run_mizzle(["revert", "0001", "--json"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["changes"] == ["- column tiers.name"]
    snap = json.loads((tmp_path / "migrations" / "meta" / "0003_snapshot.json").read_text())
    assert set(snap["tables"]["public.tiers"]["columns"]) == {"id", "price"}
    with temp_database("mzrevrsp") as url:
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert '"name"' not in schema_dump(url) and "price" in schema_dump(url)
        d = run_mizzle(["drift", "--url", url], cwd=tmp_path)
        assert d.code == 0, d.stdout + d.stderr
    # a later migration that did change what 0001 changed is still a conflict
    write_project(tmp_path, tiers.format(cols=', sa.Column("name", sa.String(80)), sa.Column("price", sa.Integer)'))
    assert generate(fresh_config(tmp_path), name="s4").written
    r = run_mizzle(["revert", "0001"], cwd=tmp_path)
    assert r.code == 3 and "column tiers.name" in r.first_error_line, r.stderr


def test_revert_a_table_rename_whose_sql_left_the_key_name(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """drizzle-kit 0.31 renames a table with `ALTER TABLE … RENAME TO` alone: the primary key keeps its name,
    `<old>_pkey` (dokploy's 0147 renamed session_temp to session, its key stays session_temp_pkey). Reverting it
    renamed the table back and then `RENAME CONSTRAINT session_pkey TO session_temp_pkey`, a key that does not exist
    (42704): the key already has the name the table's old name gives it."""
    src = 'import sqlalchemy as sa\nmd = sa.MetaData()\nt = sa.Table("{name}", md, sa.Column("id", sa.Text, ' \
          'primary_key=True), sa.Column("token", sa.Text))\n'
    write_project(tmp_path, src.format(name="session_temp"))
    assert generate(fresh_config(tmp_path), name="s0").written
    write_project(tmp_path, src.format(name="session"))
    assert generate(fresh_config(tmp_path), name="rename", renames={"session_temp": "session"}).written
    sql = next((tmp_path / "migrations").glob("0001_*.sql"))
    assert "RENAME CONSTRAINT" in sql.read_text()  # mizzle renames the key along; drizzle-kit does not:
    sql.write_text('ALTER TABLE "session_temp" RENAME TO "session";')
    with temp_database("mzrevpk") as url:
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        r = run_mizzle(["revert", "0001", "--json"], cwd=tmp_path)
        assert r.code == 0, r.stderr
        written = next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
        assert "RENAME TO" in written and "CONSTRAINT" not in written, written
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert "session_temp_pkey" in schema_dump(url)
        d = run_mizzle(["drift", "--url", url], cwd=tmp_path)
        assert d.code == 0, d.stdout + d.stderr


def test_revert_an_older_migration_under_a_partition_with_its_own_index(tmp_path: Path) -> None:
    """pagila after `mizzle pull`: each payment partition (payment_p2022_01, …) has its own index and foreign key on
    customer_id, a column it has from its partitioned table, not of its own. Reverting an older migration under a
    later one refused: 'index … on payment_p2022_01 uses column(s) customer_id, which the table no longer has' (the
    merge's check for what it leaves dangling read only a table's own columns)."""
    src = """
import sqlalchemy as sa
md = sa.MetaData()
customer = sa.Table("customer", md, sa.Column("id", sa.Integer, primary_key=True){cols})
payment = sa.Table("payment", md, sa.Column("id", sa.Integer, autoincrement=False),
                   sa.Column("customer_id", sa.Integer, nullable=False),
                   sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
                   sa.PrimaryKeyConstraint("paid_at", "id", name="payment_pkey"),
                   postgresql_partition_by="RANGE (paid_at)")
payment_p1 = sa.Table("payment_p1", md,
                      sa.Column("customer_id", sa.Integer, info={{"mizzle": {{"inherited": True}}}}),
                      sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name="payment_p1_customer_id_fkey"),
                      sa.Index("payment_p1_customer_idx", "customer_id"),
                      info={{"mizzle": {{"partition_of": "payment",
                                         "bounds": "FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')"}}}})
"""
    for n, cols in enumerate(["", ', sa.Column("email", sa.Text)', ', sa.Column("email", sa.Text), '
                                                                   'sa.Column("phone", sa.Text)']):
        write_project(tmp_path, src.format(cols=cols))
        assert generate(fresh_config(tmp_path), name=f"s{n}").written
    result, _ = revert(fresh_config(tmp_path), "0001")
    assert result.changes == ["- column customer.email"], result.changes
    with temp_database("mzrevpart") as url:
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        dump = schema_dump(url)
        assert "email" not in dump and "phone" in dump and "payment_p1_customer_idx" in dump


def test_revert_renames_back_a_key_the_migration_gave_its_default_name(tmp_path: Path) -> None:
    # Open WebUI 0.12.4's Alembic history made `prompt_new` and renamed it `prompt`: its key is still
    # `prompt_new_pkey`, which a pulled baseline names; the models leave it unnamed, so the migration to them
    # renames it `prompt_pkey`. Its revert took the unnamed key for one that may still be `<former name>_pkey` and
    # wrote no rename back: verify then found the revert's SQL and snapshot disagreeing, and drift the database
    from mizzle.commands.drift import drift
    from mizzle.commands.pull import pull
    from mizzle.commands.verify import verify

    with temp_database("mzrvpk") as url:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("CREATE TABLE prompt_new (id text PRIMARY KEY, command text)")
            c.execute("ALTER TABLE prompt_new RENAME TO prompt")
            c.execute("INSERT INTO prompt VALUES ('p', '/x')")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["owui_pulled.py"]\nout = "migrations"\n'
                                              'naming = "postgresql"\n')
        pull(load_config(tmp_path / "mizzle.toml"), url)
        (tmp_path / "owui_models.py").write_text(
            'import sqlalchemy as sa\nmd = sa.MetaData()\n'
            'prompt = sa.Table("prompt", md, sa.Column("id", sa.Text, primary_key=True), sa.Column("command", sa.Text))\n')
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["owui_models.py"]\nout = "migrations"\n'
                                              'naming = "postgresql"\n')
        assert generate(load_config(tmp_path / "mizzle.toml"), name="to_models").changes == [
            "~ primary key on prompt: name prompt_new_pkey → prompt_pkey (rename)"]
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        back, _ = revert(load_config(tmp_path / "mizzle.toml"), "0001")
        assert back.changes == ["~ primary key on prompt: name prompt_pkey → prompt_new_pkey (rename)"]
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert not drift(url=url, folder=tmp_path / "migrations").changes
        with psycopg.connect(url, autocommit=True) as c:
            assert c.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'prompt'::regclass").fetchall() == [
                ("prompt_new_pkey",)]
        result = verify(load_config(tmp_path / "mizzle.toml"), url=url)
        assert result.ok, [s.changes for s in result.steps]
