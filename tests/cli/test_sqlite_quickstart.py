"""Acceptance: the README's two Quickstart lines, verbatim, in a fresh virtualenv with nothing installed, on
a copy of the repository as a clean clone has it (tracked and not-ignored files only). Slow (it installs
the package and its dependencies), but part of the CI run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def quickstart_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Quickstart\s*\n+```(?:bash|sh|console)?\n(.*?)\n```", readme, re.M | re.S)
    assert m, "README.md has no code block under a '## Quickstart' heading"
    lines = [ln for ln in m.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2, f"the Quickstart must be exactly two commands, found: {lines}"
    return lines


def test_readme_quickstart_has_two_commands() -> None:
    install, main = quickstart_lines()
    assert install.startswith("pip install ")
    assert "mizzle generate" in main and "mizzle migrate" in main


def clean_copy(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def test_quickstart_in_a_fresh_venv(tmp_path: Path) -> None:
    repo = tmp_path / "mizzle"
    clean_copy(repo)
    qs = repo / "examples" / "quickstart"
    assert qs.is_dir()
    assert not (qs / "app" / "db" / "migrations").exists() and not (qs / "mizzle.db").exists(), \
        "the committed quickstart must not contain generated migrations or a database"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    outputs = []
    for line in quickstart_lines():
        p = subprocess.run(["bash", "-c", line], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, f"`{line}` failed (exit {p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
        outputs.append(p.stdout)
    shown = outputs[-1]
    assert "applied" in shown and "0000_" in shown, shown
    assert (qs / "mizzle.db").is_file()
    # mizzle came from the new venv, not from the development one
    assert (bindir / "mizzle").exists() or (bindir / "mizzle.exe").exists()
