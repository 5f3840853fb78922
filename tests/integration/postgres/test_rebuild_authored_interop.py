"""Issue 15 item 5 / issue 14 check h: after `check --rebuild-snapshots`, real drizzle-kit 0.31 run on the same
TypeScript finds no changes. The folders are drizzle-kit's own output for tests/interop's pg_types (every type
and default spelling, checks, indexes, views, a role and a policy), security (policies, RLS) and objects_pair
(views with options). Their snapshots are deleted and rebuilt by replaying the SQL: the rebuilt snapshot must
hold the texts as the migration wrote them (what drizzle-kit's snapshot holds), not as the server prints them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from functools import partial
from pathlib import Path

import psycopg
import pytest
from pgtools import drain_drops, url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = [pytest.mark.interop, pytest.mark.pg]

INTEROP = Path(__file__).resolve().parents[2] / "interop"
DRIZZLE_KIT = INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"
NO_CHANGES = "No schema changes"
# a role no policy names: introspection does not see it, the SQL's CREATE ROLE does
ROLES_TS = """import { integer, pgRole, pgTable } from 'drizzle-orm/pg-core';
export const admin = pgRole('reader', { createDb: true, inherit: false });
export const t = pgTable('t', { id: integer('id').primaryKey() });
"""


# a role the cluster already has (Supabase's `authenticated`): a policy names it, no migration creates it
EXISTING_TS = """import { sql } from 'drizzle-orm';
import { integer, pgPolicy, pgRole, pgTable } from 'drizzle-orm/pg-core';
export const admin = pgRole('reader').existing();
export const t = pgTable('t', { id: integer('id').primaryKey() }, () => [
  pgPolicy('ins', { for: 'insert', to: admin, withCheck: sql`true` }),
]);
"""


# a unique constraint repeating the primary key (midday's transaction_categories): PostgreSQL's CREATE TABLE drops it
REPEATED_TS = """import { pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
export const c = pgTable('transaction_categories', { teamId: uuid('team_id'), slug: text('slug') }, (t) => [
  primaryKey({ columns: [t.teamId, t.slug], name: 'transaction_categories_pkey' }),
  unique('unique_team_slug').on(t.teamId, t.slug),
]);
"""


# names past PostgreSQL's 63 bytes (lobe-chat): drizzle-kit's snapshot holds the whole default names, the server the
# cut ones; the rebuilt snapshot kept the unique constraint twice (cut and whole: drizzle-kit's next generate dropped
# the real one) and named the foreign key by its cut name (drizzle-kit dropped it and added it again)
LONG_NAMES_TS = """import { index, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
export const p = pgTable('parent_table_with_a_long_name', { id: integer('id').primaryKey() });
export const c = pgTable('child_table_with_an_even_longer_name', {
  id: integer('id').primaryKey(),
  one: text('some_very_long_column_name_one'),
  two: text('some_very_long_column_name_two'),
  parentTableReference: integer('parent_table_reference_id').references(() => p.id),
}, (t) => [unique().on(t.one, t.two), index().on(t.parentTableReference)]);
export const k = pgTable('keyed_table_with_an_even_longer_name', {
  one: text('some_very_long_column_name_one').notNull(),
  two: text('some_very_long_column_name_two').notNull(),
}, (t) => [primaryKey({ columns: [t.one, t.two] })]);
"""


# `.default(null)` (KnightHacks/forge): `DEFAULT null` in drizzle-kit's SQL, `"default": null` in its snapshot
NULL_DEFAULT_TS = """import { integer, pgTable, varchar } from 'drizzle-orm/pg-core';
export const a = pgTable('attendee', { id: integer('id').primaryKey(), klass: varchar('class', { length: 20 }).default(null) });
"""


def _schema_ts(fixture: str, role: str) -> str:
    text = {"roles": ROLES_TS, "existing_role": EXISTING_TS, "repeated_unique": REPEATED_TS,
            "long_names": LONG_NAMES_TS, "null_default": NULL_DEFAULT_TS}.get(fixture) \
        or (INTEROP / fixture / "schema.ts").read_text()
    return text.replace("pgRole('reader'", f"pgRole('{role}'")


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    if node is None or not DRIZZLE_KIT.exists():
        msg = f"needs node and tests/interop's drizzle-kit (node: {node}, {DRIZZLE_KIT}: {DRIZZLE_KIT.exists()})"
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip(msg)
        pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip the drizzle-kit interop tests)", pytrace=False)
    return node


def kit_generate(work: Path, schema: Path, out: Path, name: str, roles: bool) -> str:
    """drizzle-kit generate of `schema` into `out` (run from tests/interop, where drizzle-orm resolves)."""
    config = work / f"{name}.config.ts"
    config.write_text(f"export default {{ dialect: 'postgresql', schema: '{schema}', "
                      f"out: '{os.path.relpath(out, INTEROP)}'" + (", entities: { roles: true }" if roles else "")
                      + " };\n")
    p = subprocess.run([sys.executable, str(INTEROP / "drive_generate.py"), "--config", str(config), "--name", name],
                       cwd=INTEROP, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit generate failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def _without_view_columns(snap: dict) -> dict:  # type: ignore[type-arg]
    """drizzle-kit writes a view's declared columns; its diff never reads them, and a database cannot tell
    them (a query builder's view lists its table's column types, `serial` included)."""
    snap = json.loads(json.dumps(snap))
    for v in snap.get("views", {}).values():
        v.pop("columns", None)
    for k in ("id", "prevId"):
        snap.pop(k, None)
    return snap


@pytest.mark.parametrize("fixture", ["pg_types", "security", "objects_pair", "roles", "repeated_unique",
                                     "long_names", "null_default"])
def test_drizzle_kit_finds_no_changes_after_rebuild(fixture: str, node: str, pg_available: bool,
                                                    tmp_path: Path) -> None:
    role = f"mzrb_{uuid.uuid4().hex[:10]}"  # roles are the cluster's: one of this run's own
    work = INTEROP / ".scratch" / f"rebuild_{role}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        schema = work / "schema.ts"  # beside node_modules' drizzle-orm
        schema.write_text(_schema_ts(fixture, role))
        out = tmp_path / "out"
        roles = fixture in ("pg_types", "roles")
        assert "Your SQL migration file" in kit_generate(work, schema, out, "init", roles)
        originals = {p.name: json.loads(p.read_text()) for p in (out / "meta").glob("*_snapshot.json")}
        for p in (out / "meta").glob("*_snapshot.json"):
            p.unlink()
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "app" / "schema.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n")
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
        result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
        assert result.rebuilt == ["0000_init"]
        for name, orig in originals.items():  # what drizzle-kit wrote, fact for fact
            mine = json.loads((out / "meta" / name).read_text())
            assert _without_view_columns(mine) == _without_view_columns(orig), name

        before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
        transcript = kit_generate(work, schema, out, "again", roles)
        assert NO_CHANGES in transcript, transcript
        assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with psycopg.connect(url_for("postgres"), autocommit=True) as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{role}"')


# -- drizzle-kit 1.x (tests/interop1): the same folders in its layout ------------------------------------------

INTEROP1 = INTEROP.parent / "interop1"


def kit1_generate(work: Path, out: Path, name: str, roles: bool = False) -> str:
    """drizzle-kit 1.x generate of `work`/schema.ts (under tests/interop1: drizzle-orm 1.x) into `out`; a rename
    question it asks fails the run (drive_generate answers none)."""
    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    config = work / f"{name}.config.ts"
    config.write_text(f"export default {{ dialect: 'postgresql', schema: '{work / 'schema.ts'}', "
                      f"out: '{os.path.relpath(out, INTEROP1)}'" + (", entities: { roles: true }" if roles else "")
                      + " };\n")
    p = subprocess.run([sys.executable, str(INTEROP / "drive_generate.py"), "--config", str(config), "--name",
                        name], cwd=INTEROP1, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit 1.x generate failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


@pytest.mark.parametrize("fixture", ["pg_types", "security", "objects_pair", "roles", "existing_role",
                                     "repeated_unique", "long_names"])
def test_drizzle_kit_1x_finds_no_changes_after_rebuild(fixture: str, pg_available: bool, tmp_path: Path) -> None:
    """In the 1.x layout the rebuilt snapshot.json is drizzle-kit 1.x's version 9 (mizzle wrote v7 JSON there,
    which drizzle-kit 1.x refuses: "run drizzle-kit up"). `existing_role`: a role no migration creates has no row
    (the rebuild wrote one, and drizzle-kit's next generate dropped the role)."""
    role = f"mzrb_{uuid.uuid4().hex[:10]}"
    work = INTEROP1 / ".scratch" / f"rebuild_{role}"  # the schema under interop1: drizzle-orm 1.x
    work.mkdir(parents=True, exist_ok=True)
    kit1 = partial(kit1_generate, work, roles=fixture in ("pg_types", "roles", "existing_role"))

    try:
        if fixture == "existing_role":
            with psycopg.connect(url_for("postgres"), autocommit=True) as c:
                c.execute(f'CREATE ROLE "{role}"')
        (work / "schema.ts").write_text(_schema_ts(fixture, role))
        out = tmp_path / "out"
        assert "Your SQL migration" in kit1(out, "init")
        for p in out.glob("*/snapshot.json"):
            p.unlink()
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "app" / "schema.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n")
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n'
                                             '[migrations]\nlayout = "folders"\n')
        result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
        assert len(result.rebuilt) == 1
        snap = json.loads(next(out.glob("*/snapshot.json")).read_text())
        assert str(snap["version"]) == "9" and snap["type"] == "base" and snap["ddl"], snap
        before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
        transcript = kit1(out, "again")
        assert NO_CHANGES in transcript, transcript
        assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with psycopg.connect(url_for("postgres"), autocommit=True) as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_1x_layout_refuses_a_missing_snapshot_with_kept_ones_after_it(pg_available: bool, tmp_path: Path) -> None:
    """A 1.x snapshot is a diff from its parent: rebuilding one in the middle would need its children rewritten.
    Refused with what to do; the tail (every later snapshot deleted too) rebuilds."""
    from mizzle.commands.generate import generate
    from mizzle.errors import UsageError

    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for n, cols in enumerate(['sa.Column("a", sa.Text)', 'sa.Column("a", sa.Text), sa.Column("b", sa.Text)']):
        (project / "app" / "schema.py").write_text(
            f'import sqlalchemy as sa\nmd = sa.MetaData()\nt = sa.Table("t", md, sa.Column("id", sa.Integer, '
            f'primary_key=True), {cols})\n')
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}").written
    snaps = sorted((project / "migrations").glob("*/snapshot.json"))
    assert len(snaps) == 2
    original = snaps[1].read_text()
    snaps[0].unlink()
    with pytest.raises(UsageError, match="rebuilds the latest snapshots only"):
        rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
    snaps[1].unlink()
    result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert len(result.rebuilt) == 2
    assert json.loads(snaps[1].read_text())["deltas"] == json.loads(original)["deltas"]


@pytest.mark.parametrize("start", [0, 1])
def test_1x_layout_rebuilds_from_a_migration_whose_later_snapshots_are_still_there(start: int, pg_available: bool,
                                                                                    tmp_path: Path) -> None:
    """`check --rebuild-snapshots --from TAG` (verify's advice after an edited SQL) in drizzle-kit 1.x's layout: each
    rebuilt snapshot is a diff from the ones before it, never from the folder's latest. drizzle-kit 1.x's folder of
    homarr's schema, rebuilt from its first migration, had that one written as a diff from the last snapshot (the
    base gone: drizzle-kit and mizzle then refused the folder), and the rebuild stopped on the second."""
    from mizzle.commands.generate import generate
    from mizzle.migrations.folder import MigrationFolder

    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    cols = ['sa.Column("a", sa.Text)', 'sa.Column("b", sa.Text)', 'sa.Column("c", sa.Integer)']
    for n in range(3):
        (project / "app" / "schema.py").write_text(
            'import sqlalchemy as sa\nmd = sa.MetaData()\nt = sa.Table("t", md, sa.Column("id", sa.Integer, '
            f'primary_key=True), {", ".join(cols[:n + 1])})\n')
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}").written
    folder = MigrationFolder(project / "migrations")
    tags = [m.tag for m in folder.migrations()]
    def read(folder: MigrationFolder) -> list[dict | None]:  # type: ignore[type-arg]
        """Each migration's schema, ids aside (the rebuilt ones are new)."""
        return [{k: v for k, v in (folder.read_snapshot(m) or {}).items() if k not in ("id", "prevId")}
                for m in folder.migrations()]

    states = read(folder)
    originals = [json.loads((project / "migrations" / t / "snapshot.json").read_text()) for t in tags]
    result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"),
                               from_tag=tags[start])
    assert result.rebuilt == tags[start:] and result.kept == tags[:start]
    rebuilt = [json.loads((project / "migrations" / t / "snapshot.json").read_text()) for t in tags]
    assert [s["type"] for s in rebuilt] == ["base", "diff", "diff"]
    assert [s.get("deltas") for s in rebuilt[1:]] == [s.get("deltas") for s in originals[1:]]
    assert [r["prevIds"] for r in rebuilt[1:]] == [[r["id"]] for r in rebuilt[:-1]]
    assert read(MigrationFolder(project / "migrations")) == states


def test_up_of_long_default_names_asks_drizzle_kit_1x_nothing(tmp_path: Path) -> None:
    """drizzle-kit 0.x's default names past 63 bytes after `mizzle up`: the foreign keys were rows of the code's own
    name (nameExplicit, the whole name), so drizzle-kit 1.x's generate asked of each whether it was renamed
    (lobe-chat: 4 questions), and so were keys, uniques and indexes; drizzle-kit's own `up` writes the rows it does
    (a foreign key's name cut, the others' whole, none explicit)."""
    from mizzle.commands.up import up

    work0, work1 = (root / ".scratch" / f"up_long_{uuid.uuid4().hex[:10]}" for root in (INTEROP, INTEROP1))
    try:
        for work in (work0, work1):
            work.mkdir(parents=True)
            (work / "schema.ts").write_text(LONG_NAMES_TS)
        out = tmp_path / "drizzle"
        assert "Your SQL migration file" in kit_generate(work0, work0 / "schema.ts", out, "init", False)
        kits = tmp_path / "kit" / "drizzle"
        shutil.copytree(out, kits)
        p = subprocess.run(["node", str(INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"), "up", "--dialect",
                            "postgresql", "--out", os.path.relpath(kits, INTEROP1)], cwd=INTEROP1, capture_output=True,
                           text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, p.stdout + p.stderr
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
        up(load_config(tmp_path / "mizzle.toml"))
        mine, theirs = (sorted(json.dumps(r, sort_keys=True) for r in json.loads(
            next(f.glob("*/snapshot.json")).read_text())["ddl"]) for f in (out, kits))
        assert mine == theirs
        before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
        assert NO_CHANGES in kit1_generate(work1, out, "again")
        assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    finally:
        shutil.rmtree(work0, ignore_errors=True)
        shutil.rmtree(work1, ignore_errors=True)


# -- an expression index whose SQL had to be hand-edited (network-goods-institute/negation-game) ----------------

# drizzle-kit 0.31 writes this index as `USING btree ("space" || '-' || lower("term"))`, which PostgreSQL rejects;
# projects edit the SQL to `(("space" || '-' || lower("term")))`, so the SQL's element keeps one pair of parentheses
# drizzle-kit's snapshot does not have
SPACE_TERM_TS = """import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
export const t = pgTable('terms', { id: integer('id').primaryKey(), space: text('space'), term: text('term'),
  /*MORE*/ }, (t) => [index('terms_key_idx').on(sql`${t.space} || '-' || lower(${t.term})`)]);
"""


@pytest.mark.parametrize("how", ["deleted", "from"])
def test_a_rebuilt_snapshot_keeps_a_kept_snapshots_parentheses(how: str, node: str, pg_available: bool,
                                                                tmp_path: Path) -> None:
    """The SQL alone cannot tell `("space" || …)` from an element drizzle-kit writes with its parentheses (pg_types'
    `("score" + 1)`, kept in its snapshot): the earlier snapshot kept in the folder tells, and the rebuilt one spells
    the index as it does. Spelled as the SQL has it, drizzle-kit 0.31's next generate dropped the index and created
    it again (with its invalid SQL)."""
    work = INTEROP / ".scratch" / f"rebuild_parens_{uuid.uuid4().hex[:10]}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        schema = work / "schema.ts"
        schema.write_text(SPACE_TERM_TS)
        out = tmp_path / "out"
        kit_generate(work, schema, out, "init", False)
        sql = next(out.glob("0000_*.sql"))
        kits = """USING btree ("space" || '-' || lower("term"))"""
        assert kits in sql.read_text()
        sql.write_text(sql.read_text().replace(kits, """USING btree (("space" || '-' || lower("term")))"""))
        schema.write_text(SPACE_TERM_TS.replace("/*MORE*/", "note: text('note'),"))
        kit_generate(work, schema, out, "more", False)
        latest = next((out / "meta").glob("0001_*snapshot.json"))
        original = json.loads(latest.read_text())
        if how == "deleted":
            latest.unlink()
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "app" / "schema.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n")
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
        result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"),
                                   from_tag="0001_more" if how == "from" else None)
        assert result.rebuilt == ["0001_more"] and result.kept == ["0000_init"]
        assert _without_view_columns(json.loads(latest.read_text())) == _without_view_columns(original)

        before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
        transcript = kit_generate(work, schema, out, "again", False)
        assert NO_CHANGES in transcript, transcript
        assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- a gap of hand-written migrations, the next snapshot naming the one before the gap (miurla/morphic) ----------

GAP_TS = """import { integer, pgTable, text } from 'drizzle-orm/pg-core';
export const chats = pgTable('chats', { id: integer('id').primaryKey(), title: text('title')%s });
"""


def _journal_add(out: Path, tag: str) -> None:
    journal = json.loads((out / "meta" / "_journal.json").read_text())
    n = len(journal["entries"])
    journal["entries"].append({"idx": n, "version": "7", "when": journal["entries"][-1]["when"] + 1, "tag": tag,
                               "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))


def test_a_gap_whose_next_snapshot_names_the_one_before_it_is_chained(node: str, pg_available: bool,
                                                                     tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """miurla/morphic: 0012–0015 written by hand (raw SQL, no snapshot), then drizzle-kit generated 0016 from
    0011's snapshot, the latest it found: 0016's prevId is 0011's id. The rebuilt 0015 took that id (the one the
    next kept snapshot names as its parent), so 0011 and 0015 had one id and 0012 and 0016 one parent (`check`:
    two errors; drizzle-kit: "snapshots collision"). The rebuilt snapshots get ids of their own and the kept 0016's
    prevId is re-pointed at the rebuilt 0015 (said so); nothing else of it changes."""
    work = INTEROP / ".scratch" / f"rebuild_gap_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        schema = work / "schema.ts"
        schema.write_text(GAP_TS % "")
        out = tmp_path / "drizzle"
        kit_generate(work, schema, out, "init", False)
        (out / "0001_notes.sql").write_text('CREATE TABLE "notes" ("id" integer PRIMARY KEY, "body" text);\n')
        _journal_add(out, "0001_notes")
        (out / "0002_files.sql").write_text('CREATE TABLE "files" ("id" integer PRIMARY KEY);\n')
        _journal_add(out, "0002_files")
        schema.write_text(GAP_TS % ", pinned: integer('pinned')")
        kit_generate(work, schema, out, "pinned", False)
        meta = out / "meta"
        first = json.loads((meta / "0000_snapshot.json").read_text())
        last_text = (meta / "0003_snapshot.json").read_text()
        assert json.loads(last_text)["prevId"] == first["id"]  # drizzle-kit's own: the gap's next names 0000
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')

        r = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", url_for("postgres")], cwd=tmp_path)
        assert r.code == 0, r.stdout + r.stderr
        assert "rebuilt the snapshot of 0001_notes" in r.stdout and "rebuilt the snapshot of 0002_files" in r.stdout
        assert "meta/0003_snapshot.json" in r.stdout and "prevId" in r.stdout, r.stdout  # the re-pointing, said
        snaps = [json.loads((meta / f"000{i}_snapshot.json").read_text()) for i in range(4)]
        assert len({s["id"] for s in snaps}) == 4, [s["id"] for s in snaps]
        assert [s["prevId"] for s in snaps[1:]] == [s["id"] for s in snaps[:3]]
        assert (meta / "0003_snapshot.json").read_text() == last_text.replace(first["id"], snaps[2]["id"], 1)
        assert snaps[3]["id"] == json.loads(last_text)["id"]
        c = run_mizzle(["check"], cwd=tmp_path)
        assert c.code == 0 and "error" not in c.stdout + c.stderr, c.stdout + c.stderr

        transcript = kit_generate(work, schema, out, "again", False)  # no "snapshots collision"
        assert NO_CHANGES in transcript and "collision" not in transcript, transcript
    finally:
        shutil.rmtree(work, ignore_errors=True)
