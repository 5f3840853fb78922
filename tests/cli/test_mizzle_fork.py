"""The tests' speed trick (tests/support/mizzle_fork.py: `python -m mizzle` forked from a process that has imported its
dependencies) gives what a new interpreter gives: the same output, exit code, working directory, environment and
PYTHONPATH, files written, a timeout raised as subprocess.run raises it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mizzle_fork
import pytest

SCHEMA = """import json, pathlib, sys
import sqlalchemy as sa
from helpers import STATUS  # from a folder on PYTHONPATH

pathlib.Path("sys_path.json").write_text(json.dumps(sys.path))  # as the command saw it

metadata = sa.MetaData()
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text),
         sa.Column("status", sa.Enum(*STATUS, name="status")))
"""


def _project(root: Path, schema: str = SCHEMA) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "schema.py").write_text(schema)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    return root


def test_a_forked_run_gives_what_a_new_interpreter_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIZZLE_TEST_NO_FORK", raising=False)
    forks = mizzle_fork.forks()
    helpers = tmp_path / "lib"
    helpers.mkdir()
    (helpers / "helpers.py").write_text('STATUS = ("active", "banned")\n')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("MIZZLE_TEST_NO_FORK", None)
    env["PYTHONPATH"] = str(helpers) + os.pathsep + env.get("PYTHONPATH", "")
    env["DATABASE_URL"] = "postgresql://someone:s3cret@127.0.0.1:1/nowhere"
    a, b = _project(tmp_path / "a"), _project(tmp_path / "b")
    runs = {}
    for args in (["--help"], ["no-such-command"], ["export"], ["generate", "--name", "init"], ["status"],
                 ["generate", "--check"]):
        forked = mizzle_fork.run(args, cwd=a, env=env, timeout=60)
        fresh = subprocess.run([sys.executable, "-m", "mizzle", *args], cwd=b, env=env, capture_output=True,
                               text=True, timeout=60)
        where = f"mizzle {' '.join(args)}"
        runs[where] = forked
        assert forked.returncode == fresh.returncode, (where, forked, fresh)
        assert forked.stdout == fresh.stdout.replace(str(b), str(a)), where
        assert forked.stderr == fresh.stderr.replace(str(b), str(a)), where
    assert mizzle_fork.forks() == forks + 6  # each run forked, none fell back to a new interpreter
    status = runs["mizzle status"]  # the environment's URL, masked
    assert status.returncode != 0 and "s3cret" not in status.stderr and "nowhere" in status.stderr
    written = sorted(p.relative_to(a) for p in (a / "migrations").rglob("*"))
    assert written and written == sorted(p.relative_to(b) for p in (b / "migrations").rglob("*"))
    paths = [json.loads((root / "sys_path.json").read_text()) for root in (a, b)]
    assert paths[0] == [p.replace(str(b), str(a)) for p in paths[1]] and paths[0][0] == str(a)
    sql = [next((root / "migrations").glob("*.sql")).read_text() for root in (a, b)]
    assert sql[0] == sql[1] and "CREATE TYPE" in sql[0]


def test_a_forked_run_that_outlives_its_timeout_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIZZLE_TEST_NO_FORK", raising=False)
    root = _project(tmp_path / "p", "import time\ntime.sleep(30)\n")
    env = {k: v for k, v in os.environ.items() if k != "MIZZLE_TEST_NO_FORK"}
    with pytest.raises(subprocess.TimeoutExpired):
        mizzle_fork.run(["export"], cwd=root, env=env, timeout=1)
    shutil.rmtree(root)
    # the server is still there for the next command
    assert mizzle_fork.run(["--help"], cwd=tmp_path, env=env, timeout=60).returncode == 0
