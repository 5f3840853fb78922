"""The JSON files of a folder's meta/: the one reader of the journal (`_journal.json`) and of mizzle's sidecar
(`_mizzle.json`), and of git's committed versions of them. Strict readers raise MetaFileError (an
IntegrityError, exit 3) naming the file; lenient callers (`check`) catch it and report `problem` as a finding.

Kept free of the rest of the package (folder.py, check.py and rebase.py import it, not the other way)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import IntegrityError

JOURNAL = "_journal.json"
SIDECAR = "_mizzle.json"
RESTORE_HINT = "Restore the file from version control; `mizzle check` lists every problem."
_NOT_A_JOURNAL = "not a drizzle-kit journal (expected an object with an `entries` list)"


class MetaFileError(IntegrityError):
    """A meta/ file that cannot be used. `problem` is the finding without the path (what `check` lists);
    `malformed_json` tells a JSON syntax error from the other problems."""

    def __init__(self, path: Path, problem: str, hint: str | None = None, malformed_json: bool = False) -> None:
        super().__init__(f"{path}: {problem}", hint)
        self.path = path
        self.problem = problem
        self.malformed_json = malformed_json


def read_text(path: Path) -> str:
    """The file's text (UTF-8); MetaFileError when it cannot be read or decoded."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise MetaFileError(path, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise MetaFileError(path, f"cannot read: not UTF-8 text ({e.reason} at byte {e.start})") from None


def parse_json(path: Path, text: str) -> Any:
    """The JSON document `text` (read from `path`); MetaFileError naming the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise MetaFileError(path, f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}", RESTORE_HINT,
                            malformed_json=True) from None


def load_json(path: Path) -> Any:
    """The JSON document in `path` (strict)."""
    return parse_json(path, read_text(path))


def load_json_or_none(path: Path) -> Any:
    """The JSON document in `path`, or None when it is missing, unreadable or malformed (lenient)."""
    try:
        return load_json(path)
    except MetaFileError:
        return None


def journal_doc(path: Path, data: Any) -> dict[str, Any]:
    """`data` (the JSON of `path`) when it is a journal: an object with an `entries` list."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise MetaFileError(path, _NOT_A_JOURNAL, "Restore it from version control, or run `mizzle check` for details.")
    return data


def read_journal(path: Path) -> dict[str, Any]:
    """The journal at `path` (strict: MetaFileError for a file that is unreadable, not JSON or not a journal)."""
    return journal_doc(path, load_json(path))


def entry_fields(path: Path, i: int, entry: Any) -> tuple[int, int, str]:
    """(idx, when, tag) of the journal's entry number `i` (strict)."""
    try:
        return int(entry["idx"]), int(entry["when"]), str(entry["tag"])
    except (KeyError, TypeError, ValueError, IndexError):
        raise MetaFileError(path, f"entry {i} is malformed: {json.dumps(entry)[:120]}") from None


def read_sidecar(path: Path, *, strict: bool = True) -> dict[str, Any]:
    """meta/_mizzle.json: {} when absent or not an object. `strict`: MetaFileError for an unreadable or malformed
    file; lenient: {} (`check` reports the file with the other meta/ files)."""
    if not path.exists():
        return {}
    try:
        data = load_json(path)
    except MetaFileError:
        if strict:
            raise
        return {}
    return data if isinstance(data, dict) else {}


def git_show(cwd: Path, rev: str, relpath: str) -> str | None:
    """The text of `relpath` (relative to `cwd`) at git revision `rev`; None outside a git work tree, when the
    revision lacks the file, or when git is missing."""
    import subprocess

    try:
        out = subprocess.run(["git", "show", f"{rev}:./{relpath}"], cwd=cwd, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_json(cwd: Path, rev: str, relpath: str) -> Any:
    """The JSON document of `relpath` at git revision `rev`; None when there is none (or it is not JSON)."""
    text = git_show(cwd, rev, relpath)
    try:
        return json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        return None
