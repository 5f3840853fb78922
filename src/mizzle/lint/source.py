"""A migration file read for linting: its statements (numbered as the runner numbers them), each parsed by
pglast with its line, the commit boundaries, and the `-- mizzle:lint-ignore` directives placed around them."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from ..migrations.folder import (
    BREAKPOINT,
    NO_TRANSACTION,
    directives,
    is_transaction_boundary,
    is_transaction_start,
)
from .pieces import COPY_STDIN, Piece, split_pieces

_COMMIT_LINE = re.compile(r"^[ \t]*--[ \t]*mizzle:commit\b.*$", re.M)  # as folder.split_statements splits
_IGNORE = re.compile(r"^\s*--\s*mizzle:lint-ignore\b(.*)$")
_RULE_TOKEN = re.compile(r"^[A-Za-z]+\d+$")


@dataclass(slots=True)  # a generated 1,000-table file holds ~4,000 of them
class SqlStatement:
    """One SQL statement. `number` is the runner's statement number (a chunk between breakpoints); a chunk
    holding several SQL statements yields several SqlStatements with the same number."""

    number: int
    line: int  # 1-based line of its first token in the file
    sql: str
    node: Any = None  # the pglast statement node; None when the chunk does not parse
    error: str | None = None  # pglast's message when it does not parse
    commit_before: bool = False  # a `-- mizzle:commit` boundary precedes it
    ignores: frozenset[str] = frozenset()  # rule ids ignored on the line(s) right above it


@dataclass
class IgnoreProblem:
    line: int
    what: str


@dataclass
class FileUnit:
    name: str
    text: str
    statements: list[SqlStatement] = field(default_factory=list)
    no_transaction: bool = False
    directives: dict[str, list[str]] = field(default_factory=dict)
    file_ignores: frozenset[str] = frozenset()
    ignore_problems: list[IgnoreProblem] = field(default_factory=list)
    # a Prisma folder's migration.sql, which Prisma and mizzle's runner send whole in one query: of one statement,
    # it runs in no transaction block (Migration.sent_whole)
    sent_whole: bool = False

    def has(self, directive: str) -> bool:
        return directive in self.directives


def read_unit(text: str, name: str, known_rules: set[str]) -> FileUnit:
    unit = FileUnit(name=name, text=text, no_transaction=_first_line_is_no_transaction(text),
                    directives=directives(text))
    # the lines are only looked at for lint-ignore directives (spared on a large generated file without any)
    lines = text.splitlines() if "mizzle:lint-ignore" in text else []
    line_starts = _line_starts(text)
    with unchecked_nodes():
        _read_statements(unit, text, line_starts)
    _mark_implicit_commits(unit)
    _place_ignores(unit, lines, known_rules)
    return unit


def _mark_implicit_commits(unit: FileUnit) -> None:
    """The boundaries folder.split_statements adds on its own: after the file's COMMIT/END, and (in a file with no
    mizzle directive) after ALTER TYPE … ADD VALUE before other statements."""
    from pglast import ast

    after_tx = after_add = False
    add_value_commits = not unit.directives
    for st in unit.statements:
        node = st.node
        adds = isinstance(node, ast.AlterEnumStmt) and node.newVal is not None and not node.oldVal
        if after_tx or (after_add and not adds):
            st.commit_before = True
        # a BEGIN is no boundary (folder.split_statements leaves it out), but one right after a COMMIT keeps it
        after_tx = is_transaction_boundary(node) or (after_tx and is_transaction_start(node))
        after_add = (add_value_commits and adds) or (after_add and after_tx)
        if not after_tx and not adds:
            after_add = False


def _read_statements(unit: FileUnit, text: str, line_starts: Sequence[int]) -> None:
    number = 0
    pending_commit = False
    pos = 0
    for chunk in text.split(BREAKPOINT):
        chunk_start = pos
        pos += len(chunk) + len(BREAKPOINT)
        cut = 0
        bounds = []
        if "mizzle:commit" in chunk:  # most chunks have no boundary: spare the regex
            for m in _COMMIT_LINE.finditer(chunk):
                bounds.append((cut, m.start(), False))
                cut = m.end()
        bounds.append((cut, len(chunk), False))
        for i, (a, b, _) in enumerate(bounds):
            if i > 0:
                pending_commit = True
            part = chunk[a:b]
            if _is_blank_sql(part):
                continue
            number += 1
            commit = pending_commit and number > 1
            pending_commit = False
            unit.statements.extend(_parse_part(part, chunk_start + a, number, commit, line_starts))


@contextmanager
def unchecked_nodes() -> Iterator[None]:
    """pglast's parser without pglast's per-attribute checks. Those validate and coerce the values a caller builds
    a node from (dicts, strings for enums); the nodes its parser builds hold final values already (tuples, enum
    members), so the checks change nothing there, and they were nine tenths of parsing a generated 1,000-table
    migration (0.5 s → 0.05 s). Switched once per file: swapping a base class's __setattr__ re-dispatches every
    pglast node class. tests/test_lint.py compares the trees both ways over the lint corpus."""
    from pglast import ast, enums

    checked = ast.Node.__setattr__
    ast.Node.__setattr__ = object.__setattr__  # type: ignore[method-assign,assignment]
    # The parser also turns each enum field into its member by calling the class it looks up in pglast.enums
    # (EnumMeta.__call__, ~23,000 calls on a generated 1,000-table file): a lookup in the class's own
    # value → member map gives the same member at a fraction of the cost.
    classes = _enum_classes(enums)
    for name, (_, quick) in classes.items():
        setattr(enums, name, quick)
    try:
        yield
    finally:
        ast.Node.__setattr__ = checked  # type: ignore[method-assign]
        for name, (cls, _) in classes.items():
            setattr(enums, name, cls)


_ENUM_CLASSES: dict[str, tuple[Any, Any]] = {}


def _enum_classes(enums: Any) -> dict[str, tuple[Any, Any]]:
    """pglast's enum classes by name, each with a member lookup that falls back to the class for anything else."""
    if not _ENUM_CLASSES:
        from enum import EnumMeta

        for name in dir(enums):
            cls = getattr(enums, name)
            if isinstance(cls, EnumMeta):
                _ENUM_CLASSES[name] = (cls, _member_lookup(cls))
    return _ENUM_CLASSES


def _member_lookup(cls: Any) -> Any:
    members = cls._value2member_map_

    def member(value: Any) -> Any:
        try:
            return members[value]
        except (KeyError, TypeError):
            return cls(value)
    return member


def parse_sql(sql: str) -> Any:
    """pglast.parse_sql under unchecked_nodes()."""
    from pglast import parse_sql as checked_parse

    with unchecked_nodes():
        return checked_parse(sql)


def _parse_part(part: str, offset: int, number: int, commit: bool, line_starts: Sequence[int],
                whole: bool = True) -> list[SqlStatement]:
    """The statements of one chunk. When the chunk does not parse as a whole, each of its top-level statements
    is parsed on its own: the one that does not parse is an error, the others are linted."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    try:
        raws = parse_sql(part)
    except ParseError as e:
        pieces = split_pieces(part) if whole else []
        if len(pieces) > 1 or any(p.copy_at is not None for p in pieces):
            return _parse_pieces(part, pieces, offset, number, commit, line_starts)
        copy = ([None] + list(COPY_STDIN.finditer(part, 0, _error_index(e, part))))[-1]  # the nearest before it
        return [_error_statement(part, e, offset, number, commit, line_starts,
                                 None if copy is None else offset + copy.start())]
    out = []
    for j, raw in enumerate(raws):
        # pglast's locations are character offsets into `part` (it converts libpg_query's byte offsets)
        start = cast(int, raw.stmt_location)
        end = len(part) if not raw.stmt_len else min(start + raw.stmt_len, len(part))
        start = _skip_space_and_comments(part, start)
        out.append(SqlStatement(number, _line_at(line_starts, offset + start), part[start:end].strip(),
                                node=raw.stmt, commit_before=commit and j == 0))
    return out


def _parse_pieces(part: str, pieces: list[Piece], offset: int, number: int, commit: bool,
                  line_starts: Sequence[int]) -> list[SqlStatement]:
    from pglast import parse_sql
    from pglast.parser import ParseError

    out: list[SqlStatement] = []
    for p in pieces:
        sql = part[p.start:p.end]
        first = commit and not out
        if p.copy_at is None:
            out.extend(_parse_part(sql, offset + p.start, number, first, line_starts, whole=False))
            continue
        try:  # the rows of a COPY: no SQL, whatever the parser makes of them
            parse_sql(sql)
            error = ParseError("the rows of a COPY … FROM stdin", _skip_space_and_comments(sql, 0))
        except ParseError as e:
            error = e
        out.append(_error_statement(sql, error, offset + p.start, number, first, line_starts,
                                    offset + p.copy_at))
    return out


def _error_index(e: Exception, part: str) -> int:
    index = (e.args + (None, None))[1]
    # a character offset, as pglast gives it
    return min(index, len(part)) if isinstance(index, int) else _skip_space_and_comments(part, 0)


def _error_statement(part: str, e: Exception, offset: int, number: int, commit: bool, line_starts: Sequence[int],
                     copy_at: int | None) -> SqlStatement:
    """`part` as a statement that does not parse; `copy_at`: the file offset of the `COPY … FROM stdin` whose
    rows it holds."""
    msg = e.args[0] if e.args else str(e)
    if copy_at is not None:
        msg = (f"{msg}: the rows of the `COPY … FROM stdin` on line {_line_at(line_starts, copy_at)} are inline, "
               "as pg_dump writes a table's data; psql sends them to the server, a migration cannot (write "
               "INSERTs, or leave the data out)")
    return SqlStatement(number, _line_at(line_starts, offset + _error_index(e, part)), part.strip(), error=str(msg),
                        commit_before=commit)


def _place_ignores(unit: FileUnit, lines: list[str], known: set[str]) -> None:
    """A lint-ignore in the run of comment lines directly above a statement (no blank line between) applies
    to that statement; one above the first statement but outside that run applies to the whole file."""
    found: dict[int, str] = {}  # line number → the directive's arguments
    for n, text in enumerate(lines, start=1):
        m = _IGNORE.match(text)
        if m:
            found[n] = m.group(1)
    if not found:
        return
    used: set[int] = set()
    for st in unit.statements:
        ids: set[str] = set()
        n = st.line - 1
        while n >= 1:
            s = lines[n - 1].strip()
            if not s.startswith("--") or s.startswith(BREAKPOINT):
                break
            if n in found:
                used.add(n)
                ids |= _rule_ids(found[n], n, unit, known)
            n -= 1
        st.ignores = frozenset(ids)
    first_line = unit.statements[0].line if unit.statements else len(lines) + 1
    file_ids: set[str] = set()
    for n, args in found.items():
        if n in used:
            continue
        if n < first_line:
            file_ids |= _rule_ids(args, n, unit, known)
        else:
            unit.ignore_problems.append(IgnoreProblem(
                n, "`-- mizzle:lint-ignore` applies to nothing here (put it on the line right above a statement, "
                   "or at the top of the file, followed by a blank line, for the whole file)"))
    unit.file_ignores = frozenset(file_ids)


def _rule_ids(args: str, line: int, unit: FileUnit, known: set[str]) -> set[str]:
    tokens = [t for t in re.split(r"[,\s]+", args.split("--")[0].strip()) if t]
    ids = set()
    for t in tokens:
        if _RULE_TOKEN.match(t) and t.upper() in known:
            ids.add(t.upper())
        else:
            unit.ignore_problems.append(IgnoreProblem(line, f"`-- mizzle:lint-ignore` names an unknown rule {t!r}"))
    if not tokens:
        unit.ignore_problems.append(IgnoreProblem(line, "`-- mizzle:lint-ignore` names no rule (e.g. MZ204)"))
    return ids


def _first_line_is_no_transaction(text: str) -> bool:
    # the runner's test (folder.Migration.no_transaction): the first non-blank line is the directive
    for line in text.splitlines():
        s = line.strip()
        if s:
            return bool(re.match(r"--\s*" + re.escape(NO_TRANSACTION) + r"\b", s))
    return False


def _is_blank_sql(sql: str) -> bool:
    head = sql.lstrip()[:2]
    if head and head != "--":  # the first line that is not blank is no comment: spare the split
        return False
    return all(not s or s.startswith("--") for s in (ln.strip() for ln in sql.splitlines()))


def _skip_space_and_comments(s: str, i: int) -> int:
    while i < len(s):
        if s[i].isspace():
            i += 1
        elif s.startswith("--", i):
            j = s.find("\n", i)
            i = len(s) if j < 0 else j + 1
        elif s.startswith("/*", i):
            j = s.find("*/", i + 2)
            i = len(s) if j < 0 else j + 2
        else:
            break
    return i


def _line_starts(text: str) -> Sequence[int]:
    starts = array("q", [0])  # packed: a list of int objects weighs ~36 bytes a line
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def _line_at(starts: Sequence[int], index: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, index)
