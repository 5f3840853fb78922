"""The fast path of a plain `mizzle migrate` (mizzle.cli.fast_migrate, a speed trick that skips click when nothing
is pending) prints exactly what the click command prints: every case runs on both paths (MIZZLE_NO_FAST_PATH=1
forces the click one) and stdout, stderr and the exit code are compared, timings aside."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import MigrationsDir

from mizzle.cli.fast_migrate import plain_migrate
from mizzle.dialects.postgres.probe import lock_key
from mizzle.runner.tracking import TrackingTable

pytestmark = pytest.mark.pg

RUN = ("import sys\nfrom mizzle.cli import main\nsys.argv = ['mizzle', *sys.argv[1:]]\ntry:\n    main()\n"
       "except SystemExit as e:\n    code = e.code\nsys.stdout.flush()\n"
       "print('\\nEXIT', code, 'click' in sys.modules, file=sys.stderr)\n")


def run(args: list[str], cwd: Path, url: str | None, slow: bool) -> tuple[int, str, str, bool]:
    """(exit code, stdout, stderr, whether click was imported) of `mizzle ARGS` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MIZZLE_NO_FAST_PATH")}
    if url:
        env["DATABASE_URL"] = url
    if slow:
        env["MIZZLE_NO_FAST_PATH"] = "1"
    p = subprocess.run([sys.executable, "-c", RUN, *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=60)
    err, _, last = p.stderr.rpartition("\nEXIT ")
    code, clicked = last.split()
    return int(code), p.stdout, err, clicked == "True"


def normal(text: str, *names: str) -> str:
    """Timings and database names out."""
    for n in names:
        text = text.replace(n, "DB")
    text = re.sub(r'"(duration_ms|lock_wait_s)": [0-9.]+', r'"\1": T', text)
    return re.sub(r"\d+(\.\d+)? (ms|s)\b", r"T \2", text)


def both(args: list[str], cwd: Path, url: str | None, url2: str | None = None) -> tuple[int, bool, bool, str]:
    """Run on the fast path then the click path (on `url2` when the first run changes the database); assert the
    same output; (exit code, fast path took click, click path took click, output)."""
    fast = run(args, cwd, url, slow=False)
    slow = run(args, cwd, url2 or url, slow=True)
    names = [u.rsplit("/", 1)[1] for u in (url, url2) if u]
    assert (fast[0], normal(fast[1], *names), normal(fast[2], *names)) == (
        slow[0], normal(slow[1], *names), normal(slow[2], *names)), (fast, slow)
    assert slow[3]
    return fast[0], fast[3], slow[3], fast[1] + fast[2]


def test_plain_forms_only() -> None:
    assert plain_migrate(["migrate"]) == {}
    assert plain_migrate(["migrate", "-q", "--url=postgresql://h/d", "--env", "prod", "--json"]) == {
        "quiet": True, "url": "postgresql://h/d", "env": "prod", "json": True}
    for argv in (["status"], ["migrate", "--dry-run"], ["migrate", "-v"], ["migrate", "-q", "--quiet"],
                 ["migrate", "--url"], ["migrate", "--url", "--json"], ["migrate", "--url", "a", "--url", "b"],
                 ["migrate", "--config", "."], ["--version"], ["migrate", "-qv"], ["migrate", "--json=1"]):
        assert plain_migrate(argv) is None, argv


def test_fast_path_prints_what_click_prints(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    cwd = migrations_dir.path.parent
    (cwd / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n[environments.prod]\n'
                                     'url_env = "PROD_URL"\n', encoding="utf-8")
    for i in range(3):
        migrations_dir.add(f'CREATE TABLE "t{i}" ("id" integer);')
    url, url2 = pg_url(), pg_url()
    # pending: the fast path steps aside, the click command applies (each path on its own database)
    code, fast_clicked, _, out = both(["migrate"], cwd, url, url2)
    assert code == 0 and fast_clicked and "done: 3 migration(s) applied" in out
    # nothing pending: settled without click, byte for byte the click command's output
    for args in (["migrate"], ["migrate", "-q"], ["migrate", "--quiet"], ["migrate", "--json"],
                 ["migrate", "--json", "-q"], ["migrate", "--url", url], [f"--url={url}", "migrate"][::-1],
                 ["migrate", "--config", "mizzle.toml", "-q"]):
        code, fast_clicked, _, out = both(args, cwd, url)
        assert code == 0 and not fast_clicked, (args, out)
    os.environ["PROD_URL"] = url
    try:
        code, fast_clicked, _, out = both(["migrate", "--env", "prod"], cwd, None)
        assert code == 0 and not fast_clicked and "nothing to do: 3 migration(s) applied" in out
    finally:
        del os.environ["PROD_URL"]
    # a .sql file the journal does not list: a warning, on both paths
    (migrations_dir.path / "0099_stray.sql").write_text("SELECT 1;")
    code, fast_clicked, _, out = both(["migrate", "--json"], cwd, url)
    assert code == 0 and not fast_clicked and "warning: 0099_stray.sql is not in meta/_journal.json" in out
    (migrations_dir.path / "0099_stray.sql").unlink()
    # errors: a bad URL, no server, an unknown environment, a missing config, with and without --json
    for args in (["migrate", "--url", "nosuch://x"], ["migrate", "--json", "--url", "postgresql://u:secret@127.0.0.1:1/x"],
                 ["migrate", "-q", "--url", "postgresql://127.0.0.1:1/x"], ["migrate", "--env", "nosuch", "--json"],
                 ["migrate", "--config", "nosuch.toml"]):
        code, fast_clicked, _, out = both(args, cwd, url)
        assert code in (2, 5) and not fast_clicked and "error: " in out and "secret" not in out, (args, out)
    # a modified applied file: the probe steps aside, the click command reports it
    migrations_dir.sql_path(migrations_dir.tags[1]).write_text('CREATE TABLE "t1" ("id" bigint);')
    code, fast_clicked, _, out = both(["migrate", "-q", "--json"], cwd, url)
    assert code == 3 and fast_clicked and "0001_m1.sql was modified" in out


def test_nothing_to_do_imports_no_dataclasses_api_or_driver(pg_url: Callable[..., str],
                                                           migrations_dir: MigrationsDir) -> None:
    """What the fast path's start-up is kept free of (each costs milliseconds of every deploy's start):
    click, psycopg, mizzle's Python API (mizzle.api) and dataclasses with inspect (mizzle.record)."""
    cwd = migrations_dir.path.parent
    migrations_dir.add('CREATE TABLE "t" ("id" integer);')
    url = pg_url()
    assert run(["migrate", "-q"], cwd, url, slow=True)[0] == 0
    probe = ("import sys, atexit\natexit.register(lambda: print('LOADED', sorted(m for m in ('click', 'psycopg', "
             "'mizzle.api', 'dataclasses', 'inspect') if m in sys.modules), file=sys.stderr))\n")
    env = {k: v for k, v in os.environ.items() if k != "MIZZLE_NO_FAST_PATH"} | {"DATABASE_URL": url}
    p = subprocess.run([sys.executable, "-c", probe + RUN, "migrate", "-q"], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=60)
    assert "EXIT 0 False" in p.stderr and "LOADED []" in p.stderr, p.stderr


def _release_once_waited(holder: psycopg.Connection[Any], url: str) -> None:
    """Release `holder`'s advisory locks once another session waits for one (at most 60 s): a fixed delay let a
    run that started slowly (a loaded machine) find the lock free and print no "waiting" line."""
    with psycopg.connect(url, autocommit=True) as watcher:
        for _ in range(600):
            row = watcher.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")\
                .fetchone()
            if row and row[0]:
                break
            time.sleep(0.1)
    time.sleep(0.2)  # waiting a moment longer, as a real holder would
    holder.execute("SELECT pg_advisory_unlock_all()")


def test_lock_busy_falls_back_to_click(pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    cwd = migrations_dir.path.parent
    migrations_dir.add('CREATE TABLE "t" ("id" integer);')
    url = pg_url()
    assert run(["migrate", "-q"], cwd, url, slow=True)[0] == 0
    for args in (["migrate"], ["migrate", "--json"]):
        with psycopg.connect(url, autocommit=True) as holder:  # another run holds the lock until this one waits
            holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
            threading.Thread(target=_release_once_waited, args=(holder, url)).start()
            fast = run(args, cwd, url, slow=False)
        with psycopg.connect(url, autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
            threading.Thread(target=_release_once_waited, args=(holder, url)).start()
            slow = run(args, cwd, url, slow=True)
        assert fast[3] and "waiting for the migration lock" in fast[2]
        pid = re.compile(r"pid \d+|since [0-9:]+")
        assert (fast[0], normal(fast[1]), pid.sub("pid P", normal(fast[2]))) == (
            slow[0], normal(slow[1]), pid.sub("pid P", normal(slow[2])))


def test_sqlite_has_no_probe_so_click_runs(tmp_path: Path) -> None:
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "drizzle"\nurl = "sqlite:///app.db"\n')
    (tmp_path / "drizzle" / "meta").mkdir(parents=True)
    (tmp_path / "drizzle" / "0000_a.sql").write_text('CREATE TABLE "a" ("id" integer);\n')
    (tmp_path / "drizzle" / "meta" / "_journal.json").write_text(
        '{"version": "6", "dialect": "sqlite", "entries": [{"idx": 0, "version": "6", "when": 1700000000000, '
        '"tag": "0000_a", "breakpoints": true}]}')
    assert run(["migrate", "-q"], tmp_path, None, slow=True)[0] == 0
    for args in (["migrate"], ["migrate", "--json"]):
        code, fast_clicked, _, out = both(args, tmp_path, None)
        assert code == 0 and fast_clicked and ("nothing to do" in out or "\"nothing_to_do\": true" in out), out
