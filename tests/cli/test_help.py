"""Every command's --help shows examples that use only flags the command has, and click's shell completion
works through the lazy command group (command names, a command's options, choice values)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from mizzle.cli import COMMANDS, cli


def _help(name: str) -> str:
    r = CliRunner().invoke(cli, [name, "--help"], prog_name="mizzle")
    assert r.exit_code == 0, r.output
    return r.output


def _examples(text: str) -> list[str]:
    """The lines of the `Examples:` block of a --help text."""
    lines = text.split("Examples:", 1)[1].splitlines()
    out = []
    for ln in lines[1:]:
        if not ln.strip():
            break
        out.append(ln.strip())
    return out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_shows_examples_using_real_flags(name: str) -> None:
    text = _help(name)
    assert "Examples:" in text, f"`mizzle {name} --help` has no Examples: block (add a click epilog)"
    examples = _examples(text)
    assert examples, f"`mizzle {name} --help`: the Examples: block is empty"
    runs_it = False
    for line in examples:
        words = shlex.split(line.split("  #", 1)[0], posix=True)
        words = [w for w in words if not re.match(r"^[A-Z_]+=", w)]  # VAR=value prefixes
        words = words[:words.index(">")] if ">" in words else words
        if words[:1] != ["mizzle"] or len(words) < 2 or words[1] not in COMMANDS:
            continue  # another tool's step in the example (git merge, …)
        runs_it = runs_it or words[1] == name
        cmd = cli.get_command(click.Context(cli), words[1])
        assert cmd is not None
        flags = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        for w in words[2:]:
            if w.startswith("-"):
                assert w.split("=", 1)[0] in flags, f"{name}: example {line!r} uses {w}, which it has no option for"
    assert runs_it, f"`mizzle {name} --help`: no example runs `mizzle {name}`"


def _complete(words: str, cword: int, shell: str = "bash") -> list[str]:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_MIZZLE_COMPLETE": f"{shell}_complete"}
    p = subprocess.run([sys.executable, "-c", "from mizzle.cli import main; main()"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return [ln.split(",", 1)[1] for ln in p.stdout.splitlines() if "," in ln]


def test_shell_completion_through_the_lazy_group() -> None:
    env = {**os.environ, "_MIZZLE_COMPLETE": "bash_source"}
    p = subprocess.run([sys.executable, "-c", "from mizzle.cli import main; main()"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and "_mizzle_completion" in p.stdout and "complete " in p.stdout
    assert _complete("mizzle ", 1) == list(COMMANDS)
    assert _complete("mizzle mi", 1) == ["migrate"]
    options = _complete("mizzle migrate --", 2)
    assert {"--dry-run", "--require-applied-in", "--env", "--json"} <= set(options)
    assert _complete("mizzle migrate --transaction ", 3) == ["each", "all"]
    assert "--check" in _complete("mizzle generate --ch", 2)
