"""The fast path of a plain `mizzle generate --check` (mizzle.cli.fast_check, a speed trick that skips click when the
model cache answers "no changes") prints exactly what the click command prints: each case runs on both paths
(MIZZLE_NO_FAST_PATH=1 forces the click one) and stdout, stderr and the exit code are compared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mizzle.cli.fast_check import plain_check

RUN = ("import sys\nfrom mizzle.cli import main\nsys.argv = ['mizzle', *sys.argv[1:]]\ntry:\n    main()\n"
       "except SystemExit as e:\n    code = e.code\nsys.stdout.flush()\n"
       "print('\\nEXIT', code, 'click' in sys.modules, file=sys.stderr)\n")

SCHEMA = '''import sqlalchemy as sa

md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
'''


def run(args: list[str], cwd: Path, slow: bool) -> tuple[int, str, str, bool]:
    """(exit code, stdout, stderr, whether click was imported) of `mizzle ARGS` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("MIZZLE_NO_FAST_PATH", "MIZZLE_NO_CACHE")}
    if slow:
        env["MIZZLE_NO_FAST_PATH"] = "1"
    p = subprocess.run([sys.executable, "-c", RUN, *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=60)
    err, _, last = p.stderr.rpartition("\nEXIT ")
    code, clicked = last.split()
    return int(code), p.stdout, err, clicked == "True"


def both(args: list[str], cwd: Path) -> tuple[int, bool, str]:
    """Run on the fast path then the click path; assert the same output; (exit code, the fast path's run imported
    click, stdout + stderr)."""
    fast, slow = run(args, cwd, slow=False), run(args, cwd, slow=True)
    assert fast[:3] == slow[:3], (fast, slow)
    assert slow[3]
    return fast[0], fast[3], fast[1] + fast[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    assert run(["generate", "-q"], tmp_path, slow=True)[0] == 0  # the migration, the cache and its verdict
    return tmp_path


def test_unchanged_schema_is_answered_without_click(project: Path) -> None:
    for args in (["generate", "--check"], ["generate", "--check", "-q"], ["generate", "--quiet", "--check"],
                 ["generate", "--check", "--config", "mizzle.toml"], ["generate", "--config=mizzle.toml", "--check"]):
        if any(a.startswith("--config") for a in args):  # a config named by path is another config to the cache:
            run(args, project, slow=True)  # the first such run imports the schema (and records it), as it always did
        code, clicked, out = both(args, project)
        assert code == 0 and not clicked, (args, out)
        assert out == ("" if "-q" in args or "--quiet" in args else "No schema changes\n"), (args, out)


def test_a_changed_schema_goes_to_click(project: Path) -> None:
    (project / "app" / "schema.py").write_text(SCHEMA.replace('sa.Column("name", sa.Text)',
                                                              'sa.Column("name", sa.Text), sa.Column("age", sa.Integer)'))
    code, clicked, out = both(["generate", "--check"], project)
    assert code == 3 and clicked and "age" in out, out


def test_a_stray_file_and_other_forms_go_to_click(project: Path) -> None:
    for args in (["generate", "--check", "--json"], ["generate", "--check", "--check"], ["generate", "--check", "-v"]):
        code, clicked, out = both(args, project)
        assert code in (0, 2) and clicked, (args, out)
    (project / "drizzle" / "meta" / "notes.txt").write_text("x")
    code, clicked, out = both(["generate", "--check"], project)
    assert code == 0 and clicked and "stray file" in out and "No schema changes" in out, out


def test_only_plain_check_forms_are_taken() -> None:
    assert plain_check(["generate", "--check"]) == {"check": True}
    assert plain_check(["generate", "-q", "--check"]) == {"check": True, "quiet": True}
    for args in (["generate"], ["generate", "-q"], ["migrate", "--check"], ["generate", "--check", "--name", "x"],
                 ["generate", "--check", "--config"], ["generate", "--check", "--config", "missing.toml"]):
        assert plain_check(args) is None, args


def test_what_the_code_leaves_unsaid_is_said_on_every_run(project: Path) -> None:
    """A table of another tool's bookkeeping the latest snapshot has and the code no longer declares is kept, not
    dropped, and generate says so. With nothing to write, the click command printed only "No schema changes" (its
    warnings went unsaid), and the model cache then settled each later run the same way, --json included."""
    declared = SCHEMA + 'sa.Table("alembic_version", md, sa.Column("version_num", sa.String(32), primary_key=True))\n'
    (project / "app" / "schema.py").write_text(declared)
    assert run(["generate", "-q"], project, slow=True)[0] == 0
    (project / "app" / "schema.py").write_text(SCHEMA)
    for _ in range(2):  # the second run: what the first left in the cache
        code, clicked, out = both(["generate", "--check"], project)
        assert code == 0 and clicked, out
        assert out.startswith("No schema changes\n") and "warning: the latest snapshot holds bookkeeping-shaped " \
            "table(s) the schema code does not declare: public.alembic_version (Alembic's); kept" in out, out
    j = run(["generate", "--check", "--json"], project, slow=True)
    assert j[0] == 0 and "public.alembic_version (Alembic's)" in j[1], j
