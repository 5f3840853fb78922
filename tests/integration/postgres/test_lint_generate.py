"""generate runs lint on what it writes: findings after the summary, --strict exits 6; --json and --idempotent."""

from __future__ import annotations

import json
from pathlib import Path


def test_generate_prints_findings_and_strict(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    import pg_history
    from test_generate_pg import write_project

    write_project(tmp_path, pg_history.step(7))
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0 and "lint" not in r.stdout and "MZ" not in r.stdout, r.stdout
    write_project(tmp_path, pg_history.step(8))
    r = run_mizzle(["generate", "--name", "drops", "--strict"], cwd=tmp_path)
    assert r.code == 6, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith("statement(s)") and any("error MZ101" in ln for ln in lines)
    summary_end = max(i for i, ln in enumerate(lines) if ln.startswith("  "))
    assert all(" MZ" in ln for ln in lines[summary_end + 1:])  # findings after the summary
    assert (tmp_path / "migrations" / "0001_drops.sql").exists()  # written anyway
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0


def test_generate_json_and_idempotent_flag(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    import pg_history
    from test_generate_pg import write_project

    write_project(tmp_path, pg_history.step(1))
    r = run_mizzle(["generate", "--json", "--idempotent"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["written"] and data["lint"] == []
    text = Path(data["path"]).read_text()
    assert text.startswith("-- mizzle:idempotent\n") and "CREATE TABLE IF NOT EXISTS" in text
