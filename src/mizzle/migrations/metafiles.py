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


# -- speed: the tables of a folder's snapshots, parsed once per distinct text ---------------------------------
# verify reads ~200 snapshots of one growing schema (dokploy: 186 files, 27 MB of JSON), and most of a snapshot's
# tables are, as text, the previous snapshot's: drizzle-kit (and mizzle) write each table as one block of the
# two-space layout, `    "public.t": {` … `    }`. Each such block is parsed once per distinct text, and every
# snapshot holding it gets that very object (which the snapshot reader's memo then finds by identity); the rest of
# the file is parsed whole. A file laid out otherwise is parsed whole. The result is the same JSON as json.loads
# gives; its table objects are shared, never to be changed in place. What it buys: dokploy's snapshots parsed in
# ~0.1 s of CPU instead of ~0.3–0.5 s.
_TABLES_OPEN = '\n  "tables": {\n'
_ENTRY_OPEN = '": {\n'
_ENTRY_CLOSE = "\n    }"


class _Unsplit(Exception):
    pass


def load_snapshot_json(path: Path, memo: dict[str, Any]) -> Any:
    """`load_json(path)` for a snapshot, its tables shared with the snapshots read before with the same `memo`."""
    text = read_text(path)
    try:
        return _tables_remembered(text, memo)
    except (_Unsplit, ValueError):  # laid out otherwise (or malformed: the whole parse says where)
        return parse_json(path, text)


def _tables_remembered(text: str, memo: dict[str, Any]) -> Any:
    start = text.find(_TABLES_OPEN)
    if start < 0:
        raise _Unsplit
    i, tables = start + len(_TABLES_OPEN), {}
    while not text.startswith("  }", i):
        colon = text.find(_ENTRY_OPEN, i)  # a raw newline is never inside a JSON string: this ends the key
        close = text.find(_ENTRY_CLOSE, colon)  # the entry's own brace (what is inside is indented deeper)
        if not text.startswith('    "', i) or colon < 0 or close < 0 or "\n" in text[i:colon]:
            raise _Unsplit
        body = text[colon + 3:close + len(_ENTRY_CLOSE)]
        table = memo.get(body)
        if table is None:
            if len(memo) > 20_000:
                memo.clear()
            table = memo[body] = json.loads(body)
        tables[json.loads(text[i + 4:colon + 1])] = table
        i = close + len(_ENTRY_CLOSE)
        i += 2 if text.startswith(",\n", i) else 1 if text.startswith("\n", i) else 0
        if text[i - 1] != "\n":
            raise _Unsplit
    data = json.loads(f'{text[:start]}\n  "tables": {{}}{text[i + 3:]}')
    if not isinstance(data, dict) or data.get("tables") != {}:
        raise _Unsplit
    data["tables"] = tables
    return data


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
