"""`mizzle check` on a drizzle-kit 1.x folder after a branch merge: branches that change the same object are an
error (exit 3), whichever leaves they end in (not only the latest); branches that commute pass."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.config import load_config

BASE = """import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text){extra})
"""


def _generate(project: Path, extra: str, name: str, now_ms: int) -> None:
    (project / "schema_mod.py").write_text(BASE.format(extra=extra))
    sys.modules.pop("schema_mod", None)
    result = generate(load_config(project / "mizzle.toml"), name=name, now_ms=now_ms)
    assert result.written


def _branch(root: Path, trunk: Path, name: str, extra: str, now_ms: int) -> Path:
    """A copy of `trunk` with one more migration (what a branch adds)."""
    b = root / name
    shutil.copytree(trunk, b)
    _generate(b, extra, name, now_ms)
    return b


def _merge(into: Path, *branches: Path) -> None:
    """What git does with the branches' new migration folders: they all land side by side."""
    for b in branches:
        for d in (b / "drizzle").iterdir():
            if not (into / "drizzle" / d.name).exists():
                shutil.copytree(d, into / "drizzle" / d.name)


def test_branches_are_checked_pairwise(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    trunk = tmp_path / "trunk"
    trunk.mkdir()
    (trunk / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_mod.py"]\nout = "drizzle"\n'
                                       '[migrations]\nlayout = "folders"\n')
    t0 = 1_767_225_600_000  # 2026-01-01
    _generate(trunk, "", "init", t0)
    a = _branch(tmp_path, trunk, "a", ', sa.Column("nick", sa.Integer)', t0 + 60_000)
    c = _branch(tmp_path, trunk, "c", ', sa.Column("nick", sa.Text)', t0 + 120_000)
    b = _branch(tmp_path, trunk, "b", ', sa.Column("age", sa.Integer)', t0 + 180_000)

    ok = tmp_path / "ok"
    shutil.copytree(trunk, ok)
    _merge(ok, a, b)  # nick and age: they commute
    r = run_mizzle(["check"], cwd=ok)
    assert r.code == 0, r.stdout + r.stderr

    bad = tmp_path / "bad"
    shutil.copytree(trunk, bad)
    _merge(bad, a, c, b)  # a and c both add users.nick; b, the latest leaf, commutes with both
    r = run_mizzle(["check"], cwd=bad)
    assert r.code == 3, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "branches do not commute" in out and "column public.users.nick" in out
    assert "_a" in out and "_c" in out


def test_two_folders_with_one_timestamp_both_run_in_name_order(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle) -> None:
    # a fork of opencode named two hand-written migration folders 20260603000000_workflow_run and
    # 20260603000000_task_in_progress_owner (and Prisma's folders have such pairs: elie222/inbox-zero's three,
    # civitai's twenty): drizzle-orm 1.x and Prisma run both, by name. mizzle refused them, the timestamp taken for
    # one migration's identity; the later one's `when` is now a millisecond after the earlier one's
    trunk = tmp_path / "trunk"
    trunk.mkdir()
    (trunk / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema_mod.py"]\nout = "drizzle"\n'
                                       f'url = "sqlite:///{tmp_path / "app.db"}"\n[migrations]\nlayout = "folders"\n')
    t0 = 1_767_225_600_000  # 2026-01-01
    _generate(trunk, "", "init", t0)
    a = _branch(tmp_path, trunk, "a", ', sa.Column("nick", sa.Integer)', t0 + 60_000)
    b = _branch(tmp_path, trunk, "b", ', sa.Column("age", sa.Integer)', t0 + 60_000)
    _merge(trunk, a, b)
    r = run_mizzle(["check"], cwd=trunk)
    out = r.stdout + r.stderr
    assert r.code == 0 and "timestamp" not in out, out
    r = run_mizzle(["migrate"], cwd=trunk)
    out = r.stdout + r.stderr
    assert r.code == 0 and out.index("20260101000100_a") < out.index("20260101000100_b"), out
    r = run_mizzle(["status"], cwd=trunk)
    assert r.code == 0 and "pending" not in r.stdout, r.stdout + r.stderr


def test_a_conflict_two_pairs_of_leaves_share_is_reported_once(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # latitude-llm's drizzle-kit 1.x folder has three leaves: one branch (add-feature-flags) conflicts with a
    # migration that is the ancestor of the two others, so that same conflict came out of two pairs of leaves and
    # `check` listed it twice
    trunk = tmp_path / "trunk"
    trunk.mkdir()
    (trunk / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_mod.py"]\nout = "drizzle"\n'
                                       '[migrations]\nlayout = "folders"\n')
    t0 = 1_767_225_600_000  # 2026-01-01
    _generate(trunk, "", "init", t0)
    a = _branch(tmp_path, trunk, "a", ', sa.Column("nick", sa.Integer)', t0 + 60_000)
    c = _branch(tmp_path, trunk, "c", ', sa.Column("nick", sa.Text)', t0 + 120_000)
    d1 = _branch(tmp_path, c, "d1", ', sa.Column("nick", sa.Text), sa.Column("age", sa.Integer)', t0 + 180_000)
    d2 = _branch(tmp_path, c, "d2", ', sa.Column("nick", sa.Text), sa.Column("score", sa.Integer)', t0 + 240_000)
    bad = tmp_path / "bad"
    shutil.copytree(trunk, bad)
    _merge(bad, a, c, d1, d2)  # leaves a, d1, d2: a conflicts with c, an ancestor of both d1 and d2
    r = run_mizzle(["check", "--json"], cwd=bad)
    assert r.code == 3, r.stdout + r.stderr
    errors = [e["message"] for e in json.loads(r.stdout)["errors"]]
    assert len(errors) == 1, errors
    assert "branches do not commute" in errors[0] and "_a and " in errors[0] and "_c both" in errors[0]


def test_a_hand_written_folder_without_snapshot_is_a_warning_unless_it_is_the_latest(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # fedify-dev/hollo's drizzle-kit 1.x folder holds four hand-written migrations with no snapshot.json (a data fix,
    # a no-op marker, …) between generated ones; drizzle-kit 1.x reads only the snapshots there are (its check and
    # generate accept the folder), but `mizzle check` failed it with "snapshot missing" on each
    trunk = tmp_path / "trunk"
    trunk.mkdir()
    (trunk / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_mod.py"]\nout = "drizzle"\n'
                                       '[migrations]\nlayout = "folders"\n')
    t0 = 1_767_225_600_000  # 2026-01-01
    _generate(trunk, "", "init", t0)
    hand = trunk / "drizzle" / "20260101000100_fix_emails"
    hand.mkdir()
    (hand / "migration.sql").write_text('UPDATE "users" SET "email" = lower("email");\n')
    r = run_mizzle(["check", "--json"], cwd=trunk)
    assert r.code == 3, r.stdout + r.stderr  # the latest: generate would diff against the snapshot before it
    errors = json.loads(r.stdout)["errors"]
    assert [e["path"] for e in errors] == ["20260101000100_fix_emails/snapshot.json"], errors
    assert "latest" in errors[0]["message"]
    _generate(trunk, ', sa.Column("age", sa.Integer)', "age", t0 + 120_000)
    r = run_mizzle(["check", "--json"], cwd=trunk)
    assert r.code == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["errors"] == []
    warnings = [w for w in doc["warnings"] if "20260101000100_fix_emails" in w["path"]]
    assert len(warnings) == 1 and "verify" in warnings[0]["message"], doc["warnings"]
