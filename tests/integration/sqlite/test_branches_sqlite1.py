"""Branches in a SQLite folder of drizzle-kit 1.x's layout (issue 15, item 6): two migration folders written on
two branches from the same parent (two leaves once merged) are combined as their common ancestor plus what each
branch changed, as on PostgreSQL; `generate` continues after both (its snapshot names both leaves as parents),
`migrate` applies both, and `check` reports branches that do not commute — every pair of leaves, not only the
last one against the others. drizzle-kit 1.x continues the merged folder with no changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.migrations import folders1
from mizzle.migrations.check import check_folder
from mizzle.runner.migrate import migrate

INTEROP1 = Path(__file__).resolve().parents[2] / "interop1"
DRIZZLE_KIT = INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"

PY = '''import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("name", sa.{type}{name}){email})
{posts}
'''
EMAIL = ', sa.Column("email", sa.Text)'
POSTS = 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.Text))'
TS = '''import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
export const users = sqliteTable("users", { id: integer("id").primaryKey(), name: text("name"), email: text("email") });
export const posts = sqliteTable("posts", { id: integer("id").primaryKey(), title: text("title") });
'''


def gen(project: Path, out: Path, name: str, *, email: bool = False, posts: bool = False,
        name_not_null: bool = False, name_int: bool = False, check: bool = False):  # type: ignore[no-untyped-def]
    (project / "app").mkdir(parents=True, exist_ok=True)
    (project / "app" / "schema.py").write_text(PY.format(name=", nullable=False" if name_not_null else "",
                                                         type="Integer" if name_int else "Text",
                                                         email=EMAIL if email else "", posts=POSTS if posts else ""))
    (project / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "{out}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return generate(load_config(project / "mizzle.toml"), name=name, check=check,
                    now_ms=None if check else _clock(out))


def _clock(out: Path) -> int:
    """A date one second after the folder's last migration (the branches must sort after their parent)."""
    dirs = folders1.migration_dirs(out) if out.exists() else []
    when = max((folders1.folder_when(d.name) or 0 for d in dirs), default=1_790_000_000_000)
    return when + 1000


def branched(tmp_path: Path, a: dict, b: dict) -> Path:  # type: ignore[type-arg]
    """A folder: a base migration, then one migration on each of two branches, merged (two leaves)."""
    project, main, other = tmp_path / "proj", tmp_path / "main", tmp_path / "other"
    gen(project, main, "base")
    shutil.copytree(main, other)
    gen(project, main, "branch_a", **a)
    gen(project, other, "branch_b", **b)
    new = [d for d in folders1.migration_dirs(other) if not (main / d.name).exists()]
    assert len(new) == 1
    shutil.copytree(new[0], main / (new[0].name[:13] + "9" + new[0].name[14:]))  # its own second, after branch_a
    return main


def test_two_sqlite_branches_merge_and_generate_continues(tmp_path: Path) -> None:
    main = branched(tmp_path, {"posts": True}, {"email": True})
    snaps = folders1.load_snapshots(main)
    assert len(folders1.leaves(snaps)) == 2
    project = tmp_path / "proj"
    assert not gen(project, main, "none", email=True, posts=True, check=True).changes  # both branches seen
    assert not check_folder(main, "sqlite").errors

    db = tmp_path / "app.db"
    res = migrate(url=f"sqlite:///{db}", folder=main)
    assert len(res.applied) == 3
    later = gen(project, main, "later", email=True, posts=True, name_not_null=True)
    assert later.written and "ADD `email`" not in later.sql and "`posts`" not in later.sql, later.sql  # not again
    last = json.loads((folders1.migration_dirs(main)[-1] / folders1.SNAPSHOT).read_text())
    assert sorted(last["prevIds"]) == sorted(folders1.leaves(snaps))  # both leaves are its parents
    assert len(migrate(url=f"sqlite:///{db}", folder=main).applied) == 1
    assert not gen(project, main, "none", email=True, posts=True, name_not_null=True, check=True).changes

    if shutil.which("node") is None or not DRIZZLE_KIT.exists():
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            return
        pytest.fail("needs node and drizzle-kit 1.x in tests/interop1", pytrace=False)
    work = INTEROP1 / ".scratch" / f"branches_{os.getpid()}_{tmp_path.name}"
    try:  # drizzle-kit 1.x reads the two-leaf folder mizzle continued as mizzle does
        work.mkdir(parents=True)
        (work / "schema.ts").write_text(TS.replace('text("name")', 'text("name").notNull()'))
        shutil.copytree(main, work / "out")
        p = subprocess.run(["node", str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema",
                            str(work / "schema.ts"), "--out", os.path.relpath(work / "out", INTEROP1)],
                           cwd=INTEROP1, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
                           env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"})
        assert "No schema changes" in p.stdout + p.stderr, p.stdout + p.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_branches_that_do_not_commute_are_reported_whichever_leaf_is_last(tmp_path: Path) -> None:
    """Both branches change users.name (one makes it NOT NULL, the other an integer): a conflict. A third branch that commutes with both is merged last: the conflict between the
    first two is still found (drizzle-kit's check compared the last leaf with the others only)."""
    main = branched(tmp_path, {"name_not_null": True}, {"name_int": True})
    project, third = tmp_path / "proj", tmp_path / "third"
    base = folders1.migration_dirs(main)[0]
    third.mkdir()
    shutil.copytree(base, third / base.name)
    gen(project, third, "branch_c", posts=True)
    new = folders1.migration_dirs(third)[-1]
    shutil.copytree(new, main / ("29991231235959" + new.name[14:]))  # the last folder of all
    assert len(folders1.leaves(folders1.load_snapshots(main))) == 3
    found = [f.message for f in check_folder(main, "sqlite").errors]
    assert found and all("do not commute" in f and "users.name" in f and "branch_c" not in f for f in found), found


def test_verify_compares_each_branch_with_what_migrate_ran_before_it(tmp_path: Path) -> None:
    # opencode's packages/opencode/migration: blue_harpoon (accounts) and add_session_workspace_id were written on
    # two branches from `workspace` and merged by a later migration; migrate runs them in folder order, so after
    # blue_harpoon the database also holds the other branch's column, which blue_harpoon's snapshot (its own
    # branch's schema) has not: verify reported "+ column session.workspace_id" though check found the branches
    # commuting
    from mizzle.commands.verify import verify

    main = branched(tmp_path, {"posts": True}, {"email": True})
    project = tmp_path / "proj"
    gen(project, main, "none", email=True, posts=True, check=True)  # the config: the merged folder, both branches
    result = verify(load_config(project / "mizzle.toml"))
    assert result.ok, [(s.tag, s.changes) for s in result.steps if s.changes]
