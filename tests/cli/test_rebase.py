"""`mizzle rebase`: two branches each added a 0005 migration; after the merge, rebase renumbers the incoming one,
re-chains the snapshots, and every database (one that had A's 0005, one that had B's, a fresh one) ends with
both changes, each migration applied exactly once."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult
from pg_project import fresh_config, write_project
from pgtools import schema_dump, temp_database

import mizzle
from mizzle.commands.generate import generate
from mizzle.errors import IntegrityError
from mizzle.migrations.check import check_folder
from mizzle.migrations.folder import split_conflict
from mizzle.migrations.rebase import rebase

pytestmark = pytest.mark.pg

Run = Callable[..., CliResult]
T0 = 1_750_000_000_000

BASE = '''
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text))
'''
# five common migrations: users, then one table per step
BASE_STEPS = [BASE] + [BASE + "".join(
    f'\nt{i} = sa.Table("t{i}", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))\n'
    for i in range(1, n + 1)) for n in range(1, 5)]
COMMON = BASE_STEPS[-1]
BRANCH_A = COMMON + '''
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")), sa.Column("body", sa.Text),
                 comment="what users write")
'''
BRANCH_B = COMMON.replace('sa.Column("email", sa.Text))',
                          'sa.Column("email", sa.Text), sa.Column("bio", sa.Text, comment="about me"))')
MERGED = BRANCH_A.replace('sa.Column("email", sa.Text))',
                          'sa.Column("email", sa.Text), sa.Column("bio", sa.Text, comment="about me"))')


def gen(root: Path, source: str, name: str, when: int) -> None:
    write_project(root, source)
    assert generate(fresh_config(root), name=name, now_ms=when).written


def base_project(root: Path) -> None:
    for n, src in enumerate(BASE_STEPS):
        gen(root, src, f"step{n}", T0 + n * 1000)


def branches(tmp_path: Path, a_src: str = BRANCH_A, b_src: str = BRANCH_B) -> tuple[Path, Path]:
    """A (generated first) and B, each one migration on top of the common five."""
    base = tmp_path / "base"
    base_project(base)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(base, a)
    shutil.copytree(base, b)
    gen(a, a_src, "add_posts", T0 + 10_000)
    gen(b, b_src, "add_bio", T0 + 20_000)
    return a, b


def merge_by_copying(a: Path, b: Path, dest: Path) -> Path:
    """A's project + B's SQL file, B's snapshot kept under another name, journals combined (entries appended)."""
    shutil.copytree(a, dest)
    mig, bmig = dest / "migrations", b / "migrations"
    shutil.copy(bmig / "0005_add_bio.sql", mig)
    shutil.copy(bmig / "meta" / "0005_snapshot.json", mig / "meta" / "0005_snapshot.incoming.json")
    journal = json.loads((mig / "meta" / "_journal.json").read_text())
    journal["entries"].append(json.loads((bmig / "meta" / "_journal.json").read_text())["entries"][-1])
    (mig / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    side_a = json.loads((mig / "meta" / "_mizzle.json").read_text()) if (mig / "meta" / "_mizzle.json").exists() else {}
    side_b = json.loads((bmig / "meta" / "_mizzle.json").read_text())
    side_a.setdefault("snapshots", {}).update(side_b["snapshots"])
    side_a.setdefault("version", 1)
    (mig / "meta" / "_mizzle.json").write_text(json.dumps(side_a, indent=2))
    write_project(dest, MERGED)
    return dest


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
                           *args], cwd=cwd, capture_output=True, text=True, check=check)


def merge_with_git(tmp_path: Path) -> Path:
    """A real `git merge`: the journal, the 0005 snapshot (and the sidecar) are left with conflict markers."""
    repo = tmp_path / "repo"
    base_project(repo)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "b")
    gen(repo, BRANCH_B, "add_bio", T0 + 20_000)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "b")
    git(repo, "checkout", "-q", "main")
    gen(repo, BRANCH_A, "add_posts", T0 + 10_000)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a")
    merged = git(repo, "merge", "b", check=False)
    assert merged.returncode != 0, "expected a conflicting merge"
    assert "<<<<<<<" in (repo / "migrations" / "meta" / "_journal.json").read_text()
    assert "<<<<<<<" in (repo / "migrations" / "meta" / "0005_snapshot.json").read_text()
    assert "<<<<<<<" in (repo / "migrations" / "meta" / "_mizzle.json").read_text()  # both added comments
    write_project(repo, MERGED)
    return repo


def tracking_rows(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as c:
        return [(r[0], r[1]) for r in c.execute(
            "SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id").fetchall()]


def assert_rebased_and_deployable(project: Path, a: Path, b: Path, run_mizzle: Run) -> None:
    folder = project / "migrations"
    r = run_mizzle(["check"], cwd=project)
    assert r.code == 3 and ("rebase" in r.stderr), r.stderr
    r = run_mizzle(["rebase"], cwd=project)
    assert r.code == 0, r.stderr
    assert "0005_add_bio → 0006_add_bio" in r.stdout and "existing: 0005_add_posts" in r.stdout
    report = check_folder(folder, "postgresql")
    assert report.ok and not report.warnings, report.findings
    tags = [e["tag"] for e in json.loads((folder / "meta" / "_journal.json").read_text())["entries"]]
    assert tags[5:] == ["0005_add_posts", "0006_add_bio"]
    assert (folder / "0006_add_bio.sql").read_text() == (b / "migrations" / "0005_add_bio.sql").read_text()
    assert not (folder / "0005_add_bio.sql").exists()
    assert run_mizzle(["generate", "--check"], cwd=project).code == 0
    with temp_database("mzrbA") as url_a, temp_database("mzrbB") as url_b, temp_database("mzrbN") as url_n:
        mizzle.migrate(url=url_a, folder=a / "migrations")
        mizzle.migrate(url=url_b, folder=b / "migrations")  # staging, deployed from B
        applied = {}
        for url in (url_a, url_b, url_n):
            res = mizzle.migrate(url=url, folder=folder)
            applied[url] = [m.tag for m in res.applied]
            rows = tracking_rows(url)
            assert len(rows) == 7 and len(set(rows)) == 7, rows
        assert applied == {url_a: ["0006_add_bio"], url_b: ["0005_add_posts"], url_n: tags}
        assert schema_dump(url_a) == schema_dump(url_b) == schema_dump(url_n)
        for url in (url_a, url_b, url_n):  # a second run has nothing to do
            assert mizzle.migrate(url=url, folder=folder).nothing_to_do
        r = run_mizzle(["verify"], cwd=project, url=url_n)
        assert r.code == 0, r.stdout + r.stderr
        r = run_mizzle(["status"], cwd=project, url=url_b)
        assert r.code == 0, r.stderr


def test_rebase_files_copied_and_journals_combined(tmp_path: Path, run_mizzle: Run) -> None:
    a, b = branches(tmp_path)
    project = merge_by_copying(a, b, tmp_path / "merged")
    assert_rebased_and_deployable(project, a, b, run_mizzle)


def test_rebase_after_git_merge_with_conflict_markers(tmp_path: Path, run_mizzle: Run) -> None:
    a, b = branches(tmp_path / "branches")  # the same branches, for the databases deployed from each
    repo = merge_with_git(tmp_path)
    assert_rebased_and_deployable(repo, a, b, run_mizzle)


def test_both_branches_change_the_same_column(tmp_path: Path, run_mizzle: Run) -> None:
    a, b = branches(tmp_path, a_src=BRANCH_B.replace('sa.Column("bio", sa.Text', 'sa.Column("bio", sa.String(80)'))
    project = merge_by_copying(a, b, tmp_path / "merged")
    before = {p.name: p.read_bytes() for p in (project / "migrations").rglob("*") if p.is_file()}
    r = run_mizzle(["rebase"], cwd=project)
    assert r.code == 3, r.stderr
    assert "column users.bio" in r.stderr.splitlines()[0]
    after = {p.name: p.read_bytes() for p in (project / "migrations").rglob("*") if p.is_file()}
    assert after == before  # nothing written
    r = run_mizzle(["rebase", "--json"], cwd=project)
    assert r.code == 3 and json.loads(r.stdout)["conflicts"] == ["0005_add_bio: column users.bio"], r.stdout
    # the same change on both sides conflicts too: each SQL file would add the column
    a2, b2 = branches(tmp_path / "same", a_src=BRANCH_B)
    with pytest.raises(IntegrityError, match="column users.bio"):
        rebase(merge_by_copying(a2, b2, tmp_path / "same" / "merged") / "migrations")


def test_nothing_to_rebase_and_dry_run(tmp_path: Path, run_mizzle: Run) -> None:
    a, b = branches(tmp_path)
    r = run_mizzle(["rebase"], cwd=a)
    assert r.code == 0 and "Nothing to rebase" in r.stdout
    project = merge_by_copying(a, b, tmp_path / "merged")
    r = run_mizzle(["rebase", "--dry-run", "--json"], cwd=project)
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["written"] is False and out["renumbered"][0]["new_tag"] == "0006_add_bio"
    assert (project / "migrations" / "0005_add_bio.sql").exists()
    assert mizzle.rebase(folder=project / "migrations", dry_run=True).renumbered[0].new_tag == "0006_add_bio"
    # the incoming snapshot lost (overwritten by the copy): rebase says how to keep both
    (project / "migrations" / "meta" / "0005_snapshot.incoming.json").unlink()
    r = run_mizzle(["rebase"], cwd=project)
    assert r.code == 3 and "found 1" in r.first_error_line and "meta/0005_snapshot.incoming.json" in r.stderr


def test_git_merge_resolved_by_taking_one_snapshot(tmp_path: Path) -> None:
    """`git checkout --ours` on the snapshot (journal combined by hand): the other side is read back from git."""
    repo = merge_with_git(tmp_path)
    mig = repo / "migrations"
    git(repo, "checkout", "--ours", "migrations/meta/0005_snapshot.json")
    git(repo, "checkout", "--ours", "migrations/meta/_mizzle.json")
    text = (mig / "meta" / "_journal.json").read_text()
    ours, theirs = split_conflict(text)  # type: ignore[misc]
    journal = json.loads(ours)
    journal["entries"].append(json.loads(theirs)["entries"][-1])
    (mig / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    result = rebase(mig)
    assert [str(r) for r in result.renumbered] == [f"0005_add_bio → 0006_add_bio (when {T0 + 20_000} kept)"]
    assert check_folder(mig, "postgresql").ok
    write_project(repo, MERGED)
    assert not generate(fresh_config(repo), check=True).written


def test_several_migrations_per_branch(tmp_path: Path, run_mizzle: Run) -> None:
    """A: posts, then posts.title; B: users.bio, then an index on users.email — renumbered 0007, 0008."""
    base = tmp_path / "base"
    base_project(base)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(base, a)
    shutil.copytree(base, b)
    a2 = BRANCH_A.replace('sa.Column("body", sa.Text),', 'sa.Column("body", sa.Text), sa.Column("title", sa.Text),')
    b2 = BRANCH_B + 'sa.Index("users_email_idx", users.c.email)\n'
    # B started first (B is the existing branch); one project after the other (the schema loader puts each
    # project's root on sys.path once)
    gen(b, BRANCH_B, "add_bio", T0 + 9_000)
    gen(b, b2, "index_email", T0 + 12_000)
    gen(a, BRANCH_A, "add_posts", T0 + 10_000)
    gen(a, a2, "add_title", T0 + 11_000)
    merged = tmp_path / "merged"
    shutil.copytree(a, merged)
    mig, bmig = merged / "migrations", b / "migrations"
    for name in ("0005_add_bio.sql", "0006_index_email.sql"):
        shutil.copy(bmig / name, mig)
    for n in (5, 6):
        shutil.copy(bmig / "meta" / f"{n:04d}_snapshot.json", mig / "meta" / f"{n:04d}_snapshot.b.json")
    journal = json.loads((mig / "meta" / "_journal.json").read_text())
    journal["entries"] += json.loads((bmig / "meta" / "_journal.json").read_text())["entries"][5:]
    (mig / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    side = json.loads((mig / "meta" / "_mizzle.json").read_text())
    side["snapshots"].update(json.loads((bmig / "meta" / "_mizzle.json").read_text())["snapshots"])
    (mig / "meta" / "_mizzle.json").write_text(json.dumps(side))
    result = rebase(mig)
    assert result.existing == ["0005_add_bio", "0006_index_email"]
    assert [(r.old_tag, r.new_tag) for r in result.renumbered] == [("0005_add_posts", "0007_add_posts"),
                                                                  ("0006_add_title", "0008_add_title")]
    assert sorted(result.removed) == ["meta/0005_snapshot.b.json", "meta/0006_snapshot.b.json"]
    report = check_folder(mig, "postgresql")
    assert report.ok and not report.warnings, report.findings
    write_project(merged, a2.replace('sa.Column("email", sa.Text))', 'sa.Column("email", sa.Text), '
                                     'sa.Column("bio", sa.Text, comment="about me"))')
                  + 'sa.Index("users_email_idx", users.c.email)\n')
    assert run_mizzle(["generate", "--check"], cwd=merged).code == 0
    with temp_database("mzrb2") as url_b, temp_database("mzrb2n") as url_n:
        mizzle.migrate(url=url_b, folder=bmig)
        assert [m.tag for m in mizzle.migrate(url=url_b, folder=mig).applied] == ["0007_add_posts", "0008_add_title"]
        mizzle.migrate(url=url_n, folder=mig)
        assert schema_dump(url_b) == schema_dump(url_n)


def test_a_journal_that_skips_an_idx(tmp_path: Path) -> None:
    """simstudioai/sim's journal skips idx 29 (an entry deleted, 0028 → 0030): each branch numbers its migration
    after the last idx, and the incoming one goes after the existing one's idx, not after the count of entries (which
    gave it the existing one's number: its snapshot, written under that number, replaced the existing one's)."""
    base = tmp_path / "base"
    base_project(base)
    mig = base / "migrations"
    journal = json.loads((mig / "meta" / "_journal.json").read_text())
    last = journal["entries"][-1]
    (mig / f"{last['tag']}.sql").rename(mig / "0005_step4.sql")
    (mig / "meta" / "0004_snapshot.json").rename(mig / "meta" / "0005_snapshot.json")
    last.update(idx=5, tag="0005_step4")
    (mig / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(base, a)
    shutil.copytree(base, b)
    gen(a, BRANCH_A, "add_posts", T0 + 10_000)
    gen(b, BRANCH_B, "add_bio", T0 + 20_000)
    merged = tmp_path / "merged"
    shutil.copytree(a, merged)
    mig, bmig = merged / "migrations", b / "migrations"
    shutil.copy(bmig / "0006_add_bio.sql", mig)
    shutil.copy(bmig / "meta" / "0006_snapshot.json", mig / "meta" / "0006_snapshot.incoming.json")
    journal = json.loads((mig / "meta" / "_journal.json").read_text())
    journal["entries"].append(json.loads((bmig / "meta" / "_journal.json").read_text())["entries"][-1])
    (mig / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    side = json.loads((mig / "meta" / "_mizzle.json").read_text())
    side["snapshots"].update(json.loads((bmig / "meta" / "_mizzle.json").read_text())["snapshots"])
    (mig / "meta" / "_mizzle.json").write_text(json.dumps(side))
    posts_snapshot = (a / "migrations" / "meta" / "0006_snapshot.json").read_text()
    result = rebase(mig)
    assert [(r.old_tag, r.new_tag, r.new_idx) for r in result.renumbered] == [("0006_add_bio", "0007_add_bio", 7)]
    assert (mig / "meta" / "0006_snapshot.json").read_text() == posts_snapshot
    assert [e["idx"] for e in json.loads((mig / "meta" / "_journal.json").read_text())["entries"]] == [0, 1, 2, 3, 5,
                                                                                                      6, 7]
    assert check_folder(mig, "postgresql").ok
    write_project(merged, MERGED)
    assert not generate(fresh_config(merged), check=True).written


def test_merge_of_models() -> None:
    """The three-way merge rebase and revert use: members of one table merge; the same member conflicts."""
    from mizzle.schema.merge import merge
    from mizzle.schema.model import Column, Index, IndexColumn, PrimaryKey, Table, make_schema

    def schema(*cols: Column, indexes: tuple[Index, ...] = ()) -> object:
        return make_schema("postgresql", [Table("users", columns=(Column("id", "integer", True), *cols),
                                                primary_key=PrimaryKey(("id",)), indexes=indexes)])

    base = schema(Column("email", "text"))
    ours = schema(Column("email", "text"), Column("bio", "text"))
    theirs = schema(Column("email", "text"), Column("age", "integer"))
    both = merge(base, ours, theirs)  # type: ignore[arg-type]
    assert both.ok and both.schema.tables[0].column_names() == ("id", "email", "bio", "age")
    changed = merge(base, schema(Column("email", "varchar(80)")), schema(Column("email", "text", True)))  # type: ignore[arg-type]
    assert changed.conflicts == ["column users.email"]
    same = merge(base, ours, ours)  # type: ignore[arg-type]
    assert same.conflicts == ["column users.bio"]
    assert merge(base, ours, ours, same_change_conflicts=False).ok  # type: ignore[arg-type]
    # theirs renamed email → mail, ours indexed email: the index would point at a column that no longer exists
    idx = (Index("users_email_idx", (IndexColumn("email"),)),)
    dangling = merge(base, schema(Column("email", "text"), indexes=idx), schema(Column("mail", "text")))  # type: ignore[arg-type]
    assert dangling.conflicts == ["index users_email_idx on users uses column(s) email, which the table no longer has"]
    dropped = merge(base, ours, make_schema("postgresql"))  # type: ignore[arg-type]
    assert dropped.conflicts == ["table users"]


def test_merge_identities_on_the_full_history(tmp_path: Path) -> None:
    """On every object kind generate supports: merging a step with an unchanged side gives that step, and a
    consistent schema has no dangling references (no false conflicts)."""
    import pg_history

    from mizzle.dialects.postgres.snapshot import schema_from_snapshot
    from mizzle.migrations.folder import MigrationFolder
    from mizzle.schema.merge import dangling_references, merge

    for n in range(1, len(pg_history.STEPS) + 1):
        write_project(tmp_path, pg_history.step(n))
        generate(fresh_config(tmp_path), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
    mf = MigrationFolder(tmp_path / "migrations")
    side = mf.read_sidecar()
    models = [schema_from_snapshot(mf.read_snapshot(m) or {}, side) for m in mf.migrations()]
    for prev, cur in zip(models, models[1:], strict=False):
        assert dangling_references(cur) == []
        assert merge(prev, prev, cur).schema == cur
        assert merge(prev, cur, prev).schema == cur
        assert merge(cur, prev, cur, same_change_conflicts=False).schema == prev


def test_rebased_snapshots_keep_the_json_of_a_default_drizzle_kit_wrote(tmp_path: Path) -> None:
    """drizzle-kit writes `.default(sql\\`0\\`)` as the JSON string "0" (dyad-sh/dyad's boolean defaults), `.default(0)`
    as 0: the snapshot rebase writes for the incoming migration keeps the existing branch's "0", or drizzle-kit's
    next generate, comparing the JSON, sees the default changed (SET DEFAULT again; on SQLite, a table rebuild)."""
    flagged = COMMON.replace('sa.Column("email", sa.Text))', 'sa.Column("email", sa.Text), '
                             'sa.Column("flag", sa.Integer, nullable=False, server_default=sa.text("0")))')
    a, b = branches(tmp_path, a_src=flagged + BRANCH_A[len(COMMON):])
    snap_path = a / "migrations" / "meta" / "0005_snapshot.json"
    snap = json.loads(snap_path.read_text())
    snap["tables"]["public.users"]["columns"]["flag"]["default"] = "0"  # as drizzle-kit writes sql`0`
    snap_path.write_text(json.dumps(snap, indent=2))
    project = merge_by_copying(a, b, tmp_path / "merged")
    rebase(project / "migrations")
    rebased = json.loads((project / "migrations" / "meta" / "0006_snapshot.json").read_text())
    assert rebased["tables"]["public.users"]["columns"]["flag"]["default"] == "0"
