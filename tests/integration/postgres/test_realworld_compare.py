"""Real drizzle-kit folders (../shared/realworld/drizzle): a database built by drizzle-orm's own migrator
shows no drift, `verify` finds only the hand edits, and `pull` from it then `generate --check` with the folder
as `out` finds nothing — but for the findings EXPECTED.txt lists for the folder (steps d, e, f)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mizzle.commands.drift import drift

ROOT = Path(__file__).resolve().parents[3]
REALWORLD = (ROOT / ".." / "shared" / "realworld" / "drizzle").resolve()
pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld/drizzle is not there")


KNOWN_GAPS = ROOT / "tests" / "integration" / "realworld" / "KNOWN_GAPS.txt"


def _expected() -> list[tuple[str, str, re.Pattern[str]]]:
    """EXPECTED.txt's lines, and those of KNOWN_GAPS.txt's section of real folder problems EXPECTED.txt does not
    list (../shared is read-only; mizzle's own false alarms there are not accepted here)."""
    text = KNOWN_GAPS.read_text(encoding="utf-8")
    real = text[text.index("not mizzle's: real problems"):].split("\n", 1)[1]
    out = []
    for line in (REALWORLD / "EXPECTED.txt").read_text(encoding="utf-8").splitlines() + real.splitlines():
        if line.strip() and not line.startswith("#"):
            folder, steps, rx = line.split(" ", 2)
            out.append((folder, steps, re.compile(rx)))
    return out


def is_expected(folder: str, step: str, finding: str) -> bool:
    """Listed in EXPECTED.txt for `folder` and `step`. A `~ index|foreign key|unique|check X on T: a → b` line
    (one line for a changed object) is listed when the `- … X on T` / `+ … X on T` pair it replaces is."""
    rules = _expected()
    if any(f in (folder, "*") and step in s and r.search(finding) for f, s, r in rules):
        return True
    m = re.match(r"~ (index|foreign key|unique|check) (\S+) on (\S+?):? ", finding)
    if m:
        kind, name, table = m.groups()
        return any(f in (folder, "*") and step in s and r.search(f"{sign} {kind} {name} on {table}")
                   for f, s, r in rules for sign in "-+")
    m = re.match(r"(~ column \S+: .*?)default \S.* → (.*)$", finding)
    if m:  # `default a → b`: listed as `default b`
        return is_expected(folder, step, f"{m.group(1)}default {m.group(2)}")
    return False


def _folder(tmp: Path, name: str) -> Path:
    """A copy of the folder without .sql files its journal does not list (drizzle-orm never runs them) and
    stray files in meta/."""
    dst = tmp / name
    shutil.copytree(REALWORLD / name, dst)
    tags = {e["tag"] for e in json.loads((dst / "meta" / "_journal.json").read_text())["entries"]}
    for p in dst.glob("*.sql"):
        if p.stem not in tags:
            p.unlink()
    for p in (dst / "meta").iterdir():
        if not p.name.endswith(".json"):
            p.unlink()
    return dst


@pytest.fixture
def built(tmp_path: Path, pg_url, drizzle_migrate):  # type: ignore[no-untyped-def]
    def build(name: str) -> tuple[Path, str]:
        folder = _folder(tmp_path, name)
        url = pg_url("mzt_rw")
        r = drizzle_migrate(url, folder)
        assert r.returncode == 0, r.stderr
        return folder, url
    return build


@pytest.mark.parametrize("name", ["homarr", "lmnr", "dokploy"])
def test_no_drift_on_the_database_drizzle_orm_built(built, name: str) -> None:  # type: ignore[no-untyped-def]
    folder, url = built(name)
    found = drift(url=url, folder=folder).changes
    assert [c for c in found if not is_expected(name, "e", c)] == []


@pytest.mark.parametrize("name", ["homarr", "lmnr", "dokploy"])
def test_pull_then_generate_check_finds_nothing(built, tmp_path: Path, run_mizzle, name: str) -> None:  # type: ignore[no-untyped-def]
    folder, url = built(name)
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "base"\n')
    r = run_mizzle(["pull", "--no-mark"], cwd=pulled, url=url)
    assert r.code == 0, r.stderr
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "{folder.name}"\nschema = ["pulled/schema.py"]\n')
    r = run_mizzle(["generate", "--check", "--no-renames"], cwd=tmp_path)
    found = [line[2:] for line in r.stderr.splitlines() if line.startswith("  ")]
    assert r.code in (0, 3), r.stderr
    assert [c for c in found if not is_expected(name, "f", c)] == []


@pytest.mark.parametrize("name", ["homarr", "dokploy"])
def test_verify_reports_only_the_hand_edits(tmp_path: Path, name: str) -> None:
    from conftest import PG_ADMIN_URL

    from mizzle.commands.verify import verify
    from mizzle.config import load_config

    folder = _folder(tmp_path, name)
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "{folder.name}"\n')
    result = verify(load_config(tmp_path / "mizzle.toml"), url=PG_ADMIN_URL)
    found = [c for s in result.steps for c in s.changes]
    assert all(s.compared for s in result.steps)
    assert [c for c in found if not is_expected(name, "d", c)] == []


@pytest.mark.parametrize("name", ["kan", "homarr", "lmnr", "dokploy"])
def test_pull_baseline_rebuilds_the_database(built, tmp_path: Path, pg_url, run_mizzle, name: str) -> None:  # type: ignore[no-untyped-def]
    """`pull` from the database drizzle-orm built, then its baseline migrated into an empty database: the same
    schema (pg_dump -s), extensions, row-level security and policies included (kan: pg_trgm's operator classes
    and uuid-ossp's uuid_generate_v4() defaults need the extensions first)."""
    from pgtools import schema_dump

    _, url = built(name)
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "base"\n')
    r = run_mizzle(["pull", "--no-mark"], cwd=pulled, url=url)
    assert r.code == 0, r.stderr
    fresh = pg_url("mzt_rw")
    r = run_mizzle(["migrate"], cwd=pulled, url=fresh)
    assert r.code == 0, r.stderr
    import difflib

    diff = [ln for ln in difflib.unified_diff(schema_dump(url).splitlines(), schema_dump(fresh).splitlines(),
                                              "built", "rebuilt", n=0, lineterm="") if ln[:1] in "+-"]
    assert diff == [], "\n".join(diff)
