"""verify's two lanes (commands/verify_lanes.py: the first migrations compared in a forked child process, the rest
here) give what one lane gives: the same steps, in the folder's order, the same differences on a real folder
(lmnr: hand-written SQL, policies, identity columns; it diverges from its snapshots at some steps), and the same
failure — the same migration named, the same steps delivered before it — whichever lane's stretch the failing
migration is in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import MigrationsDir
from test_verify_incremental import _project

from mizzle.commands import verify_lanes
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import load_folder

pytestmark = pytest.mark.pg


def _run(config: Any, url: str) -> tuple[list[str], dict[str, Any] | str]:
    """The tags delivered to on_step, in order, and the result (or the error's first line)."""
    seen: list[str] = []
    try:
        out = verify(config, url=url, on_step=lambda s: seen.append(s.tag)).to_json()
    except IntegrityError as e:
        return seen, e.message
    out.pop("scratch")
    return seen, out


def test_two_lanes_find_what_one_finds_on_a_real_folder(tmp_path: Path, pg_url: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(_project("lmnr", tmp_path))
    migrations = load_folder(config.out_dir, config.dialect)[0]
    k = verify_lanes.split_at(migrations, config.dialect)
    assert k is not None and 20 < k < len(migrations) - 10, k  # split, somewhere near the middle of the work
    forks = []
    real = verify_lanes._FirstLane.__init__
    monkeypatch.setattr(verify_lanes._FirstLane, "__init__", lambda self, job: (forks.append(1), real(self, job))[1])
    url = pg_url()
    two = _run(config, url)
    assert forks == [1]
    monkeypatch.setattr(verify_lanes, "split_at", lambda *a: None)
    one = _run(config, url)
    assert two == one
    assert two[0] == [m.tag for m in migrations]
    assert isinstance(two[1], dict) and two[1]["first_divergence"] is not None  # lmnr's own hand edits, found


@pytest.mark.parametrize("failing", [4, 27])  # in lane one's stretch; in lane two's
def test_a_failing_migration_is_reported_as_one_lane_reports_it(failing: int, migrations_dir: MigrationsDir,
                                                               pg_url: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(30):
        migrations_dir.add(f"CREATE TABLE t{i} (id integer PRIMARY KEY, ref integer REFERENCES "
                           f"{'missing' if i == failing else f't{max(i - 1, 0)}'}(id));")
    config = load_config(migrations_dir.path.parent / "mizzle.toml")
    monkeypatch.setattr(verify_lanes, "split_at", lambda *a: 15)
    url = pg_url()
    two = _run(config, url)
    monkeypatch.setattr(verify_lanes, "split_at", lambda *a: None)
    one = _run(config, url)
    assert two == one
    assert two[0] == migrations_dir.tags[:failing]
    assert isinstance(two[1], str) and migrations_dir.tags[failing] in two[1]


def test_not_split_where_a_migration_creates_a_role(migrations_dir: MigrationsDir) -> None:
    for i in range(30):
        migrations_dir.add(f"CREATE TABLE t{i} (id integer);" + (" CREATE ROLE lane_reader;" if i == 20 else ""))
    config = load_config(migrations_dir.path.parent / "mizzle.toml")
    migrations = load_folder(config.out_dir, config.dialect)[0]
    assert verify_lanes.split_at(migrations, config.dialect) is None  # the second lane's CREATE ROLE would fail
    assert verify_lanes.split_at(migrations[:20], config.dialect) is None  # too few to pay
    if (os.cpu_count() or 1) >= 2:
        assert verify_lanes.split_at(migrations[:20] * 2, config.dialect) is not None
