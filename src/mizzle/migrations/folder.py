"""The migrations folder: journal, SQL files, snapshots, directives and hashes (drizzle-kit's format).

Kept free of SQLAlchemy and of the schema model, so the runner can load a folder fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import dialects
from ..errors import IntegrityError, UsageError
from ..record import FrozenRecord, Record
from . import bundle, metafiles

BREAKPOINT = "--> statement-breakpoint"
JOURNAL_VERSION = dialects.JOURNAL_VERSIONS
ROOT_ID = "00000000-0000-0000-0000-000000000000"  # the prevId of a folder's first snapshot (drizzle-kit's)

NO_TRANSACTION = "mizzle:no-transaction"
COMMIT = "mizzle:commit"
_DIRECTIVE = re.compile(r"^\s*--\s*mizzle:([a-z\-]+)(.*)$", re.M)


def migration_hash(text: str) -> str:
    """drizzle-orm's hash: SHA-256 hex of the file read as UTF-8 text (no newline normalisation)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_sql_text(path: Path) -> str:
    # Node's Buffer.toString() replaces invalid UTF-8 with U+FFFD; do the same so the hashes agree.
    # os-level reads: half the cost of Path.read_bytes, which counts when 1,000 files are verified per run.
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", errors="replace")


def dump_json(data: Any, remember: bool = False) -> str:
    """JSON as drizzle-kit writes it: two-space indentation. The text is json.dumps(data, indent=2,
    ensure_ascii=False)'s; the stdlib writes indented JSON in pure Python, through a generator per level,
    which takes a sizeable part of `generate` on a large schema, so plain data is written here directly.
    `remember` (many snapshots of one schema: `check --rebuild-snapshots`): see `_indented_remembered`."""
    out: list[str] = []
    try:
        _dump_indented(data, out, "\n", remember)
    except (_NotPlain, RecursionError):  # let the stdlib encode (or reject) anything unusual
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(out)


class _NotPlain(Exception):
    pass


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _dump_indented(o: Any, out: list[str], nl: str, remember: bool = False) -> None:
    if isinstance(o, str):
        out.append(_encode_str(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float) and o == o and o not in (float("inf"), float("-inf")):
        out.append(float.__repr__(o))
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            if not isinstance(k, str):
                raise _NotPlain
            out.append(sep)
            out.append(_encode_str(k))
            out.append(": ")
            if type(v) is str:  # most values: spare the call
                out.append(_encode_str(v))
            elif v is True:
                out.append("true")
            elif v is False:
                out.append("false")
            elif v is None:
                out.append("null")
            elif remember and inner == _MEMO_DEPTH and type(v) is dict:
                out.append(_indented_remembered(v, inner))
            else:
                mark = len(out)
                _dump_indented(v, out, inner, remember)
                if len(out) - mark > 256:  # one string for a big value: a million small ones weigh tens of MB
                    out[mark:] = ["".join(out[mark:])]
            sep = "," + inner
        out.append(nl + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            if type(v) is str:
                out.append(_encode_str(v))
            else:
                _dump_indented(v, out, inner)
            sep = "," + inner
        out.append(nl + "]")
    else:
        raise _NotPlain


# -- speed: the indented text of a snapshot's tables, remembered -------------------------------------------
# `check --rebuild-snapshots` writes ~200 snapshots of one growing schema (dokploy: 186 of ~70 tables, 27 MB of
# JSON), and most tables are the same from one snapshot to the next. A value two levels down (a snapshot's table,
# enum, sequence, view) is written once per distinct content: its compact JSON, which the stdlib encodes in C, finds
# the indented text written before. The text is a function of the value and its depth, so nothing else can differ.
# What it buys: writing dokploy's rebuilt snapshots took ~0.8 s of CPU, most of it indenting the same tables again.
# Asked for (`dump_json(…, remember=True)`) by the rebuild only: one snapshot (generate, pull) would pay the
# compact encoding of every table for nothing.
_MEMO_DEPTH = "\n    "
_MEMO_MAX = 4096
_indented: dict[str, str] = {}


def _indented_remembered(v: dict[str, Any], nl: str) -> str:
    try:
        key = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # not plain JSON: the caller's fallback decides
        raise _NotPlain from None
    text = _indented.get(key)
    if text is None:
        out: list[str] = []
        _dump_indented(v, out, nl)
        text = "".join(out)
        if len(_indented) >= _MEMO_MAX:
            _indented.clear()
        _indented[key] = text
    return text


class Statement(FrozenRecord):
    """One executable chunk of a migration file."""

    def __init__(self, sql: str, number: int, commit_before: bool = False) -> None:
        self.__dict__.update(sql=sql, number=number, commit_before=commit_before)

    sql: str
    number: int  # 1-based position in the file
    commit_before: bool  # a commit boundary precedes it (`-- mizzle:commit`, COMMIT;, after ADD VALUE)


# Words that may start a transaction-control statement or an enum ADD VALUE: only a chunk holding one is parsed.
_BOUNDARY_HINT = re.compile(r"\b(commit|begin|end|start\s+transaction|add\s+value)\b", re.I)


def split_statements(text: str) -> list[Statement]:
    """Split on drizzle's breakpoints and on `-- mizzle:commit` lines; drop comment-only chunks.

    A file's own transaction control is a commit boundary too: an explicit `COMMIT;` (`END;`) is dropped and the
    statements after it start a new transaction, as they do under drizzle-orm; a `BEGIN;` (`START TRANSACTION;`)
    is dropped with no boundary (the file already runs in a transaction). In a file with no mizzle directive
    (drizzle-kit's own output), the statements after an `ALTER TYPE … ADD VALUE` start a new transaction, so the
    new value can be used (PostgreSQL refuses it before the commit)."""
    out: list[Statement] = []
    pending_commit = False
    add_value_commits = not directives(text)
    after_add_value = False
    leading_commit = False  # the file's own COMMIT before its first statement
    for chunk in text.split(BREAKPOINT):
        parts = re.split(r"^[ \t]*--[ \t]*mizzle:commit\b.*$", chunk, flags=re.M)
        for i, part in enumerate(parts):
            if i > 0:
                pending_commit = True
            if _is_blank_sql(part):
                continue
            pieces = _implicit_boundaries(part) if _BOUNDARY_HINT.search(part) else [(part, False, False)]
            for sql, tx_commit, adds_value in pieces:
                if tx_commit or (after_add_value and not adds_value):
                    pending_commit = True
                leading_commit = leading_commit or tx_commit
                after_add_value = add_value_commits and adds_value
                if _is_blank_sql(sql):
                    continue
                # a COMMIT at the top of a file is a boundary too (drizzle-orm runs the rest outside a transaction)
                out.append(Statement(sql=sql.strip(), number=len(out) + 1,
                                     commit_before=pending_commit and (bool(out) or leading_commit)))
                pending_commit = False
    return out


def _implicit_boundaries(part: str) -> list[tuple[str, bool, bool]]:
    """`part` cut at its transaction-control statements and after its enum ADD VALUEs: (sql, a commit precedes
    it, it is made only of ADD VALUEs). Transaction-control statements themselves are left out. A part that
    does not parse is kept whole (the server will say what is wrong with it)."""
    import pglast  # only for the few chunks that may hold a boundary
    from pglast import ast

    try:
        raws = pglast.parse_sql(part)
    except pglast.parser.ParseError:
        return [(part, False, False)]
    # pglast's locations are character offsets into `part` (it converts libpg_query's byte offsets)
    out: list[tuple[str, bool, bool]] = []
    span: list[int] = []  # [start, end] characters of the open piece
    current_adds = False  # the open piece holds ADD VALUEs only
    commit = cut = False
    for raw in raws:
        start = raw.stmt_location or 0
        end = len(part) if not raw.stmt_len else start + raw.stmt_len
        node = raw.stmt
        if is_transaction_boundary(node) or is_transaction_start(node):
            if span:
                out.append((part[span[0]:span[1]], commit, current_adds))
                commit = False
            # COMMIT / END: a boundary. BEGIN / START TRANSACTION: left out, and no boundary — the file already runs
            # in a transaction (drizzle-orm's too: PostgreSQL ignores it with a warning), so a failure after it rolls
            # back the statements before it as well (wundergraph/cosmo's BEGIN … COMMIT blocks)
            span, current_adds, cut = [], False, True
            commit = commit or is_transaction_boundary(node)
            continue
        adds = isinstance(node, ast.AlterEnumStmt) and node.newVal is not None and not node.oldVal
        if span and adds != current_adds:
            out.append((part[span[0]:span[1]], commit, current_adds))
            span, commit = [], False
        if not span:
            current_adds = adds
            span = [start, end]
        span[1] = end
    if span:
        out.append((part[span[0]:span[1]], commit, current_adds))
    if len(out) == 1 and not cut:
        return [(part, False, current_adds)]  # nothing to cut: the chunk as written
    return out or [("", commit, False)]


def is_transaction_boundary(node: Any) -> bool:
    """COMMIT, END: a file's own commit, which the runner (split_statements) and lint read as a commit boundary."""
    from pglast import ast
    from pglast.enums import TransactionStmtKind

    return isinstance(node, ast.TransactionStmt) and node.kind == TransactionStmtKind.TRANS_STMT_COMMIT


def is_transaction_start(node: Any) -> bool:
    """BEGIN, START TRANSACTION: a no-op in a file that already runs in a transaction (the runner leaves it out)."""
    from pglast import ast
    from pglast.enums import TransactionStmtKind

    return isinstance(node, ast.TransactionStmt) and node.kind in (
        TransactionStmtKind.TRANS_STMT_BEGIN, TransactionStmtKind.TRANS_STMT_START)


def _is_blank_sql(sql: str) -> bool:
    for line in sql.splitlines():
        s = line.strip()
        if s and not s.startswith("--"):
            return False
    return True


def directives(text: str) -> dict[str, list[str]]:
    """`-- mizzle:NAME args` comments found in a file, by name."""
    found: dict[str, list[str]] = {}
    for m in _DIRECTIVE.finditer(text):
        found.setdefault(m.group(1), []).append(m.group(2).strip())
    return found


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it into place: never half a file."""
    import tempfile  # not at the top: `mizzle migrate` only reads (tempfile brings shutil, bz2, lzma, …)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        # mkstemp's file is the owner's alone (0600): the file takes the mode it had, else the one any new file
        # gets here (0644 under the usual umask), as drizzle-kit's are — a CI job or container running as
        # another user reads the migrations it was given
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


REBASED_KEY = "rebased"  # in meta/_mizzle.json: [{when, tag, was}] entries `mizzle rebase` renumbered


def rebased_whens(sidecar: dict[str, Any]) -> set[int]:
    """`when`s of the journal entries a rebase placed after a newer one on purpose (their SQL and `when` kept so
    databases that applied them recognise them): `check` does not report their order."""
    return {r["when"] for r in sidecar.get(REBASED_KEY) or [] if isinstance(r, dict) and isinstance(r.get("when"), int)}


_CONFLICT_START, _CONFLICT_BASE, _CONFLICT_MID, _CONFLICT_END = "<<<<<<<", "|||||||", "=======", ">>>>>>>"


_PULLED = "-- Current sql file was generated after introspecting the database"


def pulled_commented_out(text: str) -> bool:
    """A migration drizzle-kit pull wrote: its two comment lines (the first `_PULLED`), then the schema it read,
    its statements inside `/*` … `*/`, which neither drizzle-orm nor mizzle can run."""
    body = text.strip()
    return body.startswith(_PULLED) and body.endswith("*/") and "\n/*" in body


def pulled_advice(tag: str) -> str:
    """What a pulled_commented_out migration is and what to do with it (check's error, migrate's hint)."""
    return ("drizzle-kit pull's schema of the database it read, left commented out (`/*` … `*/`, as drizzle-kit "
            "writes it): drizzle-orm and mizzle fail on it. On that database, record it as applied (`mizzle baseline "
            f"--to {tag}`); to build new databases from the folder, delete the `/*` and `*/` lines")


def has_conflict_markers(text: str) -> bool:
    return bool(re.search(r"^<<<<<<<( |$)", text, re.M)) and bool(re.search(r"^>>>>>>>( |$)", text, re.M))


def split_conflict(text: str) -> tuple[str, str] | None:
    """The two sides of a file git left with conflict markers: (ours = the HEAD side, theirs); None when the file
    has no markers or they do not nest properly. A diff3 base section is dropped."""
    if not has_conflict_markers(text):
        return None
    ours: list[str] = []
    theirs: list[str] = []
    state = "both"
    for line in text.splitlines(keepends=True):
        mark = line[:7]
        if mark == _CONFLICT_START and state == "both":
            state = "ours"
        elif mark == _CONFLICT_BASE and state == "ours":
            state = "base"
        elif mark == _CONFLICT_MID and line.rstrip("\r\n") == _CONFLICT_MID and state in ("ours", "base"):
            state = "theirs"
        elif mark == _CONFLICT_END and state == "theirs":
            state = "both"
        elif state == "both":
            ours.append(line)
            theirs.append(line)
        elif state == "ours":
            ours.append(line)
        elif state == "theirs":
            theirs.append(line)
    return ("".join(ours), "".join(theirs)) if state == "both" else None


class JournalEntry(FrozenRecord):
    def __init__(self, idx: int, version: str, when: int, tag: str, breakpoints: bool = True) -> None:
        self.__dict__.update(idx=idx, version=version, when=when, tag=tag, breakpoints=breakpoints)

    idx: int
    version: str
    when: int
    tag: str
    breakpoints: bool

    def to_json(self) -> dict[str, Any]:
        return {"idx": self.idx, "version": self.version, "when": self.when, "tag": self.tag,
                "breakpoints": self.breakpoints}


class Migration(Record):
    """A journal entry with its SQL file (and snapshot, when present)."""

    # its tool sends the file to the server as one query (Prisma Migrate's folders): a file of one statement that
    # cannot run in a transaction block (CREATE INDEX CONCURRENTLY) then runs outside any, as under Prisma
    sent_whole = False

    def __init__(self, entry: JournalEntry, sql_path: Path, snapshot_path: Path | None = None) -> None:
        self.entry = entry
        self.sql_path = sql_path
        self.snapshot_path = snapshot_path

    @property
    def tag(self) -> str:
        return self.entry.tag

    @property
    def when(self) -> int:
        return self.entry.when

    @property
    def exists(self) -> bool:
        return self.sql_path.is_file()

    @property
    def file(self) -> str:
        """The SQL file's name as messages give it: `<tag>.sql`, or in drizzle-kit 1.x's layout, where every
        migration's file is `migration.sql`, `<tag>/migration.sql` (the bare name says not which migration)."""
        if self.sql_path.stem == self.tag:
            return self.sql_path.name
        return f"{self.sql_path.parent.name}/{self.sql_path.name}"

    @cached_property
    def text(self) -> str:
        return read_sql_text(self.sql_path)

    @cached_property
    def hash(self) -> str:
        return migration_hash(self.text)

    @cached_property
    def statements(self) -> list[Statement]:
        return split_statements(self.text)

    @cached_property
    def no_transaction(self) -> bool:
        for line in self.text.splitlines():
            s = line.strip()
            if not s:
                continue
            return bool(re.match(r"--\s*" + re.escape(NO_TRANSACTION) + r"\b", s))
        return False


def _sent_whole(migrations: list[Migration]) -> list[Migration]:
    """`migrations` of a folder in the one-folder-per-migration layout, each marked sent_whole where Prisma wrote
    the folder (its migration_lock.toml)."""
    from .folders1 import is_prisma

    if migrations and is_prisma(migrations[0].sql_path.parent.parent):
        for m in migrations:
            m.sent_whole = True
    return migrations


def find_migration(migrations: list[Migration], tag: str) -> Migration:
    """By exact tag, by index (`3` or `0003`), or by a unique prefix of the tag."""
    exact = [m for m in migrations if m.tag == tag]
    if exact:
        return exact[0]
    if tag.isdigit():
        by_idx = [m for m in migrations if m.entry.idx == int(tag)]
        if by_idx:
            return by_idx[0]
    prefixed = [m for m in migrations if m.tag.startswith(tag)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise UsageError(f"{tag!r} matches several migrations: {', '.join(m.tag for m in prefixed)}")
    raise UsageError(f"no migration tagged {tag!r} in the journal")


class Journal(Record):
    def __init__(self, dialect: str, version: str, entries: list[JournalEntry] | None = None) -> None:
        self.dialect = dialect
        self.version = version
        self.entries: list[JournalEntry] = [] if entries is None else entries

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "dialect": self.dialect, "entries": [e.to_json() for e in self.entries]}


def next_idx(journal: Journal) -> int:
    """The idx (and the index prefix) of the next migration: drizzle-kit's, the last entry's idx + 1, not the
    number of entries, which differ where an entry was deleted (sim's journal goes 0028 → 0030): counting gave the
    last entry's number again, and the new snapshot overwrote its `NNNN_snapshot.json`. The highest idx, should an
    entry be out of order, so that no number is taken twice."""
    return max((e.idx for e in journal.entries), default=-1) + 1


def _index_server_names_aside(snapshot: dict[str, Any], sidecar_entry: dict[str, Any] | None
                              ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """drizzle-kit 0.x's layout: `snapshot` without its index rows' server names (`_serverName`, the SQLite codec's,
    for drizzle-kit 1.x's rows: `baseline`'s name of an index the code names otherwise), and `sidecar_entry` with
    them (`tables.<table>.indexes.<name>.serverName`), so the snapshot stays as drizzle-kit 0.x reads it."""
    moved: dict[str, dict[str, str]] = {}
    tables = dict(snapshot.get("tables") or {})
    for key, t in tables.items():
        rows = (t.get("indexes") or {}) if isinstance(t, dict) else {}
        names = {n: ix["_serverName"] for n, ix in rows.items() if isinstance(ix, dict) and ix.get("_serverName")}
        if names:
            moved[key] = names
            tables[key] = {**t, "indexes": {n: {k: v for k, v in ix.items() if k != "_serverName"} if n in names
                                            else ix for n, ix in rows.items()}}
    if not moved:
        return snapshot, sidecar_entry
    entry = dict(sidecar_entry or {})
    side_tables = entry["tables"] = dict(entry.get("tables") or {})
    for key, names in moved.items():
        row = side_tables[key] = dict(side_tables.get(key) or {})
        indexes = row["indexes"] = {k: dict(v) for k, v in (row.get("indexes") or {}).items()}
        for name, server in names.items():
            indexes.setdefault(name, {})["serverName"] = server
    return {**snapshot, "tables": tables}, entry


class MigrationFolder:
    """A drizzle-kit migrations folder (journal layout, or the newer one-folder-per-migration layout)."""

    def __init__(self, path: str | Path, dialect: str = dialects.DEFAULT, layout: str | None = None) -> None:
        self.path = Path(path)
        self.dialect = dialect
        self.layout = layout  # the configured layout: what an empty folder gets (an existing one is detected)

    @property
    def meta(self) -> Path:
        return self.path / "meta"

    @property
    def journal_path(self) -> Path:
        return self.meta / metafiles.JOURNAL

    @property
    def sidecar_path(self) -> Path:
        """meta/_mizzle.json; in a Prisma folder, _mizzle.json beside the migrations: Prisma Migrate takes every
        directory there for a migration, and stops on meta/, which has no migration.sql (P3015). A meta/_mizzle.json
        an earlier run left there is still read (`check` says to move it)."""
        from .folders1 import is_prisma

        inside = self.meta / metafiles.SIDECAR
        if is_prisma(self.path) and not inside.exists():
            return self.path / metafiles.SIDECAR
        return inside

    @property
    def uses_folders(self) -> bool:
        """drizzle-kit 1.x's layout: `<ts>_<name>/migration.sql` + `snapshot.json`, no journal (mizzle.migrations.
        folders1). Detected from the folder's content; an empty folder has the configured layout."""
        if self.journal_path.exists():
            return False
        if self.path.is_dir() and any((p / "migration.sql").is_file() for p in self.path.iterdir() if p.is_dir()):
            return True
        return self.layout == "folders"

    # -- reading ---------------------------------------------------------------------------------------

    def snapshots_dialect(self) -> str | None:
        """The dialect (mizzle's name) that every snapshot in meta/ names; None when none does or two disagree.
        drizzle-kit writes the journal's `dialect` once, when it makes the journal, and never reads it again (nor
        does drizzle-orm's migrator): a project that moved databases keeps the old name there (shadcn-table's
        "mysql" journal over PostgreSQL migrations whose snapshots say "pg"), and the snapshots say which the SQL
        is in. Read only when the journal disagrees with the configuration."""
        found: set[str] = set()
        for p in self.meta.glob("*_snapshot.json"):
            try:
                data = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get("dialect"), str):
                found.add(dialects.canonical(data["dialect"]))
        return found.pop() if len(found) == 1 else None

    def read_journal(self) -> Journal:
        if self.uses_folders:
            return self._journal_from_folders()
        if not self.journal_path.exists():
            return Journal(dialect=self.dialect, version=JOURNAL_VERSION.get(self.dialect, "7"))
        path = self.journal_path  # built once: a Path per entry was a tenth of `mizzle migrate` with nothing to do
        data = metafiles.read_journal(path)
        entries = []
        for i, e in enumerate(data["entries"]):
            idx, when, tag = metafiles.entry_fields(path, i, e)
            entries.append(JournalEntry(idx=idx, version=str(e.get("version", "")), when=when, tag=tag,
                                        breakpoints=bool(e.get("breakpoints", True))))
        dialect = dialects.ALIASES.get(str(data.get("dialect", self.dialect)), str(data.get("dialect")))
        return Journal(dialect=dialect, version=str(data.get("version", "")), entries=entries)

    def _journal_from_folders(self) -> Journal:
        from . import folders1

        entries: list[JournalEntry] = []
        used: set[int] = set()
        kept = self.read_sidecar().get(folders1.WHENS_KEY) or {} if self.sidecar_path.exists() else {}
        for i, d in enumerate(folders1.migration_dirs(self.path)):
            when = kept.get(d.name) if isinstance(kept.get(d.name), int) else folders1.folder_when(d.name)
            if when is None and not folders1.is_prisma(self.path):
                raise IntegrityError(f"{d}: a migration folder whose name does not start with a 14-digit timestamp",
                                     "drizzle-orm 1.x orders and dates migrations by that prefix; rename the folder.")
            if when is None:  # a Prisma folder named otherwise (papermark's 20241231_add_…, Prisma's own 0_init)
                when = (entries[-1].when if entries else 0) + 1
            while when in used:
                # a folder sharing its timestamp with one before (Prisma's and drizzle-orm 1.x's migrators tell them
                # apart by name): the next free millisecond, so that `when` stays a migration's unique identity. A
                # `when` the sidecar keeps (drizzle-kit 0.x's, carried over by `mizzle up`) stays as it is, in or
                # out of order
                when += 1
            used.add(when)
            entries.append(JournalEntry(idx=i, version=JOURNAL_VERSION.get(self.dialect, "7"), when=when,
                                        tag=d.name))
        return Journal(dialect=self.dialect, version=JOURNAL_VERSION.get(self.dialect, "7"), entries=entries)

    def migrations(self, journal: Journal | None = None, snapshots: bool = True) -> list[Migration]:
        """The journal's migrations; without `snapshots`, their snapshot_path is None (not looked for: the
        probe of `mizzle migrate` with nothing to do reads only the SQL files, and saves a listing of meta/ and a
        path per migration)."""
        journal = journal if journal is not None else self.read_journal()
        out = []
        # computed once: `mizzle migrate` with 1,000 applied migrations must stay well under 0.2 s
        folders, base, meta = self.uses_folders, self.path, self.meta
        if not snapshots:
            out = [Migration(e, base / e.tag / "migration.sql" if folders else base / f"{e.tag}.sql")
                   for e in journal.entries]
            return _sent_whole(out) if folders else out
        names = None if folders or not meta.is_dir() else set(os.listdir(meta))  # one listing, no stats
        last = journal.entries[-1] if journal.entries else None
        claimed = None if folders else claimed_snapshot_names(e.tag for e in journal.entries)
        for e in journal.entries:
            if folders:
                out.append(Migration(e, base / e.tag / "migration.sql", base / e.tag / "snapshot.json"))
            else:
                snapshot = meta / self.entry_snapshot_name(e, last=e is last, names=names, claimed=claimed)
                out.append(Migration(e, base / f"{e.tag}.sql", snapshot))
        return _sent_whole(out) if folders else out

    def snapshot_path(self, idx: int) -> Path:
        return self.meta / f"{idx:04d}_snapshot.json"

    def entry_snapshot_path(self, entry: JournalEntry, last: bool = False, names: set[str] | None = None,
                            claimed: frozenset[str] | None = None) -> Path:
        """Where a journal entry's snapshot is: `meta/` + entry_snapshot_name."""
        return self.meta / self.entry_snapshot_name(entry, last, names, claimed)

    def entry_snapshot_name(self, entry: JournalEntry, last: bool = False, names: set[str] | None = None,
                            claimed: frozenset[str] | None = None) -> str:
        """The file name of a journal entry's snapshot in meta/. drizzle-kit names it after the tag's prefix
        (`<prefix>_snapshot.json`: `0007`, `20250508083758`, `1746693478`); with `prefix: "none"` its tag
        is `_<name>` and only the latest snapshot exists, as `_snapshot.json`. mizzle's own folders (and
        drizzle-kit's index prefix) use the entry's idx, which is the same name there. `names`: the files of
        meta/ when already listed (saves a stat). `claimed` (claimed_snapshot_names of the journal's tags): the
        name by idx is not taken when it is another entry's by tag (tags numbered apart from idx: entry 27
        `0028_x` is not given `0027_y`'s snapshot); and where neither name exists (a snapshot missing), the name
        is the tag's, as drizzle-kit writes it (buster-so/buster's entry 0 is `0001_create_organizations`)."""
        def exists(name: str) -> bool:
            return name in names if names is not None else (self.meta / name).exists()

        prefix = entry.tag.split("_", 1)[0] if "_" in entry.tag else ""
        by_tag = f"{prefix}_snapshot.json"
        by_idx = f"{entry.idx:04d}_snapshot.json"
        if prefix.isdigit() and (len(prefix) != 4 or exists(by_tag) or (claimed and by_idx in claimed)
                                 or not exists(by_idx)):  # neither there (missing): named as drizzle-kit would
            return by_tag
        if last and entry.tag.startswith("_") and not exists(by_idx):
            return "_snapshot.json"
        return by_idx

    def read_applied_state(self, migration: Migration,
                           tables_memo: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """What the database holds once migrate has run up to `migration`, as v7 JSON: its snapshot, or in drizzle-kit
        1.x's layout, where a branch merged later ran before it, its snapshot with that branch's changes
        (`folders1.applied_as_v7`). None: it has no snapshot."""
        p = migration.snapshot_path
        if p is None or not p.exists() or p.name != "snapshot.json" or not self.uses_folders:
            return self.read_snapshot(migration, tables_memo)
        from . import folders1

        snapshots = folders1.load_snapshots(self.path)
        ids = [i for i, s in snapshots.items() if s["_dir"] == p.parent.name]
        return folders1.applied_as_v7(snapshots, ids[0], str(p)) if ids else None

    def read_snapshot(self, migration: Migration, tables_memo: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The migration's snapshot as v7 JSON (None: it has none). `tables_memo` (speed, verify): see
        metafiles.load_snapshot_json."""
        p = migration.snapshot_path
        if p is None or not p.exists():
            return None
        if p.name == "snapshot.json" and self.uses_folders:  # 1.x: the state through the graph, as v7 JSON
            from . import folders1

            snapshots = folders1.load_snapshots(self.path)
            ids = [i for i, s in snapshots.items() if s["_dir"] == p.parent.name]
            return folders1.snapshot_as_v7(snapshots, ids[0], str(p)) if ids else None
        data = metafiles.load_json(p) if tables_memo is None else metafiles.load_snapshot_json(p, tables_memo)
        if not isinstance(data, dict):
            raise IntegrityError(f"{p}: not a snapshot (expected a JSON object)")
        return data

    def latest_snapshot(self) -> dict[str, Any] | None:
        """The snapshot of the last journal entry (None for an empty folder); in the 1.x layout, the state of the
        graph's leaves (combined after a branch merge), with their ids as `prevIds`."""
        if self.uses_folders:
            from . import folders1

            return folders1.latest_as_v7(self.path)
        migs = self.migrations()
        if not migs:
            return None
        snap = self.read_snapshot(migs[-1])
        if snap is None:
            raise IntegrityError(
                f"{migs[-1].snapshot_path}: snapshot of the latest migration {migs[-1].tag} is missing",
                "Run `mizzle check --rebuild-snapshots` to regenerate it from the SQL.")
        return snap

    def stray_files(self) -> list[Path]:
        """Files in meta/ that are neither the journal, a snapshot, nor a `_`-prefixed tool file."""
        if not self.meta.is_dir():
            return []
        return sorted(p for p in self.meta.iterdir()
                      if not (p.name.startswith("_") or re.fullmatch(r"\d+_snapshot\.json", p.name)))

    def read_sidecar(self) -> dict[str, Any]:
        return metafiles.read_sidecar(self.sidecar_path)

    # -- writing ---------------------------------------------------------------------------------------

    def journal_prefix(self) -> str | None:
        """The prefix the journal's last tag follows: `index` (`0007_`), `timestamp` (14 digits), `unix` (10 digits)
        or `none`; None when the journal is empty. drizzle-kit 0.x takes the latest snapshot by file name, so a tag
        of another kind (`0002_` after `20250508…_`) hides the new snapshot from it."""
        entries = self.read_journal().entries if not self.uses_folders else []
        if not entries:
            return None
        tag = entries[-1].tag
        for prefix, pattern in (("timestamp", r"\d{14}_"), ("unix", r"\d{10}_"), ("index", r"\d{4}_")):
            if re.match(pattern, tag):
                return prefix
        return "none"

    def next_tag(self, name: str, prefix: str, journal: Journal, now: datetime | None = None) -> str:
        now = now or datetime.now(timezone.utc)
        name = re.sub(r"[^A-Za-z0-9_\-]+", "_", name).strip("_") or "migration"
        if prefix == "index":
            return f"{next_idx(journal):04d}_{name}"
        if prefix == "timestamp":
            return f"{now.strftime('%Y%m%d%H%M%S')}_{name}"
        if prefix == "unix":
            return f"{int(now.timestamp())}_{name}"
        return name

    def add_migration(self, name: str, sql: str, snapshot: dict[str, Any] | None, prefix: str = "index",
                      breakpoints: bool = True, sidecar_entry: dict[str, Any] | None = None,
                      now_ms: int | None = None, snapshot_text: str | None = None) -> Migration:
        """Write the SQL file, the snapshot and the journal entry. `when` is strictly increasing. `snapshot_text`:
        the snapshot's JSON, already dumped (`dump_json(snapshot)`: pull's baseline, see pull_baseline.py)."""
        now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
        if self.uses_folders:
            return self._add_folder(name, sql, snapshot, sidecar_entry, now_ms)
        journal = self.read_journal()
        previous = max((e.when for e in journal.entries), default=0)
        when = max(now_ms, previous + 1)
        tag = self.next_tag(name, prefix, journal, datetime.fromtimestamp(when / 1000, timezone.utc))
        if any(e.tag == tag for e in journal.entries):
            raise UsageError(f"a migration tagged {tag!r} already exists in {self.journal_path}")
        entry = JournalEntry(idx=next_idx(journal), version=JOURNAL_VERSION.get(self.dialect, "7"), when=when,
                             tag=tag, breakpoints=breakpoints)
        self.meta.mkdir(parents=True, exist_ok=True)
        sql_path = self.path / f"{tag}.sql"
        write_atomic(sql_path, sql)
        snap_path = self.entry_snapshot_path(entry)  # drizzle-kit's name, which its own `generate` sorts by
        if snapshot is not None and snapshot_text is None:
            snapshot, sidecar_entry = _index_server_names_aside(snapshot, sidecar_entry)
        if snapshot is not None:
            write_atomic(snap_path, snapshot_text if snapshot_text is not None else dump_json(snapshot))
        if sidecar_entry and snapshot is not None:
            side = self.read_sidecar()
            side.setdefault("version", 1)
            side.setdefault("snapshots", {})[snapshot["id"]] = sidecar_entry
            write_atomic(self.sidecar_path, dump_json(side) + "\n")
        journal.entries.append(entry)
        journal.dialect = journal.dialect or self.dialect
        journal.version = journal.version or JOURNAL_VERSION.get(self.dialect, "7")
        self.write_journal(journal)
        return Migration(entry, sql_path, snap_path)

    def _add_folder(self, name: str, sql: str, snapshot: dict[str, Any] | None,
                    sidecar_entry: dict[str, Any] | None, now_ms: int) -> Migration:
        """drizzle-kit 1.x's layout: `<stamp>_<name>/migration.sql` + a version 9 snapshot."""
        from . import folders1

        if snapshot is None:
            raise UsageError("the 1.x layout needs a snapshot for every migration")
        journal = self.read_journal()
        name = re.sub(r"[^A-Za-z0-9_\-]+", "_", name).strip("_") or "migration"
        tag, when = folders1.new_folder_name(self.path, name, now_ms, [e.when for e in journal.entries])
        snap = folders1.snapshot_v9(snapshot, self.path, sidecar_entry)
        d = self.path / tag
        d.mkdir(parents=True)
        write_atomic(d / "migration.sql", sql)
        write_atomic(d / "snapshot.json", dump_json(snap))
        if sidecar_entry:
            side = self.read_sidecar()
            side.setdefault("version", 1)
            side.setdefault("snapshots", {})[snapshot["id"]] = sidecar_entry
            path = self.sidecar_path
            path.parent.mkdir(parents=True, exist_ok=True)  # meta/, but in a Prisma folder
            write_atomic(path, dump_json(side) + "\n")
        entry = JournalEntry(idx=len(journal.entries), version=JOURNAL_VERSION.get(self.dialect, "7"), when=when,
                             tag=tag)
        text = bundle.rewritten_folders(self.path, [p.name for p in folders1.migration_dirs(self.path)])
        if text is not None:  # drizzle-kit 1.x's generate rewrites it too (see bundle.py)
            write_atomic(self.path / bundle.BUNDLE, text)
        return Migration(entry, d / "migration.sql", d / "snapshot.json")

    def write_journal(self, journal: Journal) -> None:
        """The journal, and drizzle-kit's migrations.js when the folder has one (an app bundling its migrations
        runs only what that file imports: see bundle.py)."""
        self.meta.mkdir(parents=True, exist_ok=True)
        doc = journal.to_json()
        write_atomic(self.journal_path, dump_json(doc))
        write_bundle(self.path, doc["entries"])


def write_bundle(folder: Path, entries: list[dict[str, Any]]) -> bool:
    """Bring the folder's drizzle-kit migrations.js in step with the journal's entries, if it has one and they
    disagree (every writer of the journal calls this, as drizzle-kit's generate and drop rewrite the file); True
    when it was rewritten."""
    text = bundle.rewritten(folder, entries)
    if text is None:
        return False
    write_atomic(folder / bundle.BUNDLE, text)
    return True


def claimed_snapshot_names(tags: Any) -> frozenset[str]:
    """The snapshot names the journal's tags give (`<prefix>_snapshot.json` of each numbered tag): a name by
    idx that is one of them belongs to that entry (see MigrationFolder.entry_snapshot_name)."""
    out = set()
    for tag in tags:
        prefix = tag.split("_", 1)[0] if "_" in tag else ""
        if prefix.isdigit():
            out.add(f"{prefix}_snapshot.json")
    return frozenset(out)
