"""`verify` and `check --rebuild-snapshots` with no PostgreSQL server given: a throwaway cluster started from
the installed binaries (as `nobody` when running as root, which CI does), removed whatever happens."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import mizzle_fork
import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project
from subprocs import sigint_default
from test_verify_pg import history_project

from mizzle.commands.generate import generate
from mizzle.dburl import parse_url
from mizzle.dialects.postgres.connection import connect
from mizzle.dialects.postgres.scratch import BINDIR_ENV, find_bindir, throwaway_cluster
from mizzle.dialects.postgres.snapshot import schema_from_snapshot
from mizzle.migrations.folder import MigrationFolder
from mizzle.schema.diff import Renames, diff

pytestmark = pytest.mark.pg


@pytest.fixture
def tmpdir_env() -> Iterator[Path]:
    """A TMPDIR of this test's own (searchable by everyone, as the cluster may run as `nobody`), so what the
    cluster leaves behind — folders, processes — can be told apart from anything else on the machine."""
    d = Path(tempfile.mkdtemp(prefix="mzt-tmp-", dir="/tmp"))
    d.chmod(0o711)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def leftovers(tmpdir: Path) -> tuple[list[str], list[int]]:
    """Folders the cluster left in `tmpdir`, and processes still running from one."""
    procs = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if str(tmpdir).encode() in (p / "cmdline").read_bytes():
                    procs.append(int(p.name))
            except OSError:
                continue
    return sorted(x.name for x in tmpdir.iterdir()), procs


def run(args: list[str], cwd: Path, tmpdir: Path, **extra: str) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", BINDIR_ENV)}
    env.update(TMPDIR=str(tmpdir), **extra)
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_binaries_are_found() -> None:
    # CI has the PostgreSQL server installed: finding none would silently test nothing below
    bindir = find_bindir()
    assert bindir is not None and (bindir / "initdb").exists() and (bindir / "postgres").exists()


def test_verify_without_a_server_uses_a_throwaway_cluster(tmp_path: Path, tmpdir_env: Path) -> None:
    history_project(tmp_path, 3)
    r = run(["verify"], tmp_path, tmpdir_env)
    assert r.returncode == 0, r.stderr
    assert "ok: 3 migration(s) replayed in a throwaway local cluster, 3 matched their snapshots" in r.stdout
    assert leftovers(tmpdir_env) == ([], [])
    # a hand-edited file is named; the cluster is gone after the failure as well
    edited = MigrationFolder(tmp_path / "migrations").migrations()[1].sql_path
    assert "DEFAULT 0" in edited.read_text()  # the edit below must change something
    edited.write_text(edited.read_text().replace("DEFAULT 0", "DEFAULT 7"))
    r = run(["verify", "--json"], tmp_path, tmpdir_env)
    assert r.returncode == 3, r.stderr
    assert json.loads(r.stdout)["first_divergence"] == "0001_step2"
    assert leftovers(tmpdir_env) == ([], [])


def test_rebuild_snapshots_without_a_server(tmp_path: Path, tmpdir_env: Path) -> None:
    history_project(tmp_path, 2)
    meta = tmp_path / "migrations" / "meta"
    first = json.loads((meta / "0000_snapshot.json").read_text())
    original = json.loads((meta / "0001_snapshot.json").read_text())
    (meta / "0001_snapshot.json").unlink()
    r = run(["check", "--rebuild-snapshots"], tmp_path, tmpdir_env)
    assert r.returncode == 0, r.stderr
    assert "rebuilt the snapshot of 0001_step2" in r.stdout
    rebuilt = json.loads((meta / "0001_snapshot.json").read_text())
    assert rebuilt["prevId"] == first["id"]
    # the server's spellings, but the same schema
    assert not diff(schema_from_snapshot(original), schema_from_snapshot(rebuilt), Renames(none=True)).changes
    assert not generate(fresh_config(tmp_path)).written
    assert leftovers(tmpdir_env) == ([], [])


def test_no_binaries_names_the_flag(tmp_path: Path, tmpdir_env: Path) -> None:
    history_project(tmp_path, 1)
    empty = tmp_path / "no-binaries"
    empty.mkdir()
    for args in (["verify"], ["check", "--rebuild-snapshots"]):
        r = run(args, tmp_path, tmpdir_env, **{BINDIR_ENV: str(empty)})
        assert r.returncode == 2, r.stderr
        first = r.stderr.splitlines()[0]
        assert first.startswith("error: no PostgreSQL server given and no PostgreSQL server binaries")
        assert "--scratch-url" in first and "Traceback" not in r.stderr
    assert leftovers(tmpdir_env) == ([], [])


def test_cluster_runs_unprivileged_and_over_tcp_too(tmpdir_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    monkeypatch.setenv("TMPDIR", str(tmpdir_env))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    expected_uid = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid()
    for use_tcp in (False, True):
        with throwaway_cluster(use_tcp=use_tcp) as url:
            assert ("127.0.0.1" in url) == use_tcp
            (workdir,) = tmpdir_env.iterdir()
            pid = int((workdir / "data" / "postmaster.pid").read_text().split()[0])
            assert os.stat(f"/proc/{pid}").st_uid == expected_uid
            with connect(parse_url(url)) as c:
                assert c.execute("SHOW fsync").fetchone() == ("off",)
                assert c.execute("SELECT current_user").fetchone() == ("postgres",)
            if use_tcp:  # open to every local user: a password is needed
                db = parse_url(url)
                assert db.password
                with pytest.raises(psycopg.OperationalError, match="password"):
                    psycopg.connect(host="127.0.0.1", port=db.port, user="postgres", dbname="postgres",
                                    password="wrong").close()
        assert leftovers(tmpdir_env) == ([], [])


def wait_for_slow_migration(tmpdir: Path) -> None:
    """Until the throwaway cluster in `tmpdir` runs the migration that sleeps."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for d in tmpdir.iterdir():
            try:
                with psycopg.connect(host=str(d), port=5432, user="postgres", dbname="postgres", connect_timeout=2) as c:
                    n = c.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' "
                                  "AND pid <> pg_backend_pid()").fetchone()
                if n and n[0]:
                    assert any(str(tmpdir).encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
                               for pid in leftovers(tmpdir)[1]), "no server process found"
                    return
            except psycopg.OperationalError:
                pass
        time.sleep(0.1)
    pytest.fail("verify never reached the slow migration")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_stops_and_removes_the_cluster(tmp_path: Path, tmpdir_env: Path, sig: int) -> None:
    write_project(tmp_path, pg_history.step(1))
    generate(fresh_config(tmp_path), name="step1")
    generate(fresh_config(tmp_path), name="slow", custom=True)
    slow = MigrationFolder(tmp_path / "migrations").migrations()[-1].sql_path
    slow.write_text(slow.read_text() + "SELECT pg_sleep(30);\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", BINDIR_ENV)}
    env["TMPDIR"] = str(tmpdir_env)
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "verify"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=sigint_default)
    try:
        wait_for_slow_migration(tmpdir_env)
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130 and "interrupted" in err, err
    assert leftovers(tmpdir_env) == ([], [])


def test_a_killed_mizzle_leaves_no_server_and_its_folder_is_swept(tmp_path: Path, tmpdir_env: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    history_project(tmp_path, 1)
    generate(fresh_config(tmp_path), name="slow", custom=True)
    slow = MigrationFolder(tmp_path / "migrations").migrations()[-1].sql_path
    slow.write_text(slow.read_text() + "SELECT pg_sleep(30);\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", BINDIR_ENV)}
    env["TMPDIR"] = str(tmpdir_env)
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "verify"], cwd=tmp_path, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_slow_migration(tmpdir_env)
        p.kill()  # SIGKILL: no cleanup code runs
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    deadline = time.monotonic() + 15
    while leftovers(tmpdir_env)[1] and time.monotonic() < deadline:
        time.sleep(0.1)
    folders, procs = leftovers(tmpdir_env)
    assert procs == [] and len(folders) == 1  # the server died with mizzle; its folder stayed
    # the next throwaway cluster removes it
    monkeypatch.setenv("TMPDIR", str(tmpdir_env))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with throwaway_cluster():
        assert folders[0] not in leftovers(tmpdir_env)[0]
    assert leftovers(tmpdir_env) == ([], [])
