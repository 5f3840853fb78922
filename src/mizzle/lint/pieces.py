"""SQL that does not parse as a whole, cut into its top-level statements where psql would end each one, so lint
can parse them one by one: a pg_dump file has no breakpoints, and one bad statement would leave the rest unread.

The cuts are pglast's scanner's semicolons outside parentheses (strings, quoted names, dollar-quoted bodies and
comments are single tokens to it) and outside the `BEGIN ATOMIC … END` body of a `CREATE [OR REPLACE]
FUNCTION|PROCEDURE`, followed the way psql's own lexer follows it. The rows after pg_dump's `COPY … FROM stdin;`
up to its `\\.` line are no SQL: they are a piece of their own, never scanned."""

from __future__ import annotations

import re
from dataclasses import dataclass

# pg_dump's data: `COPY t (a, b) FROM stdin;`, then the rows, then `\.` — psql sends the rows, they are no SQL
COPY_STDIN = re.compile(r"^[ \t]*COPY\b[^;]*\bFROM\s+stdin\b[^;]*;[ \t]*$", re.I | re.M)
_END_OF_ROWS = re.compile(r"^\\\.[ \t]*$", re.M)
_ROUTINE = {"create": "c", "or": "o", "replace": "r", "function": "f", "procedure": "p"}


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    copy_at: int | None = None  # the rows of a `COPY … FROM stdin`: where that COPY starts


def split_pieces(sql: str) -> list[Piece]:
    """The top-level statements of `sql` (character offsets), and the rows of each `COPY … FROM stdin`."""
    pieces: list[Piece] = []
    pos = 0
    for m in COPY_STDIN.finditer(sql):
        if m.start() < pos:  # among the rows of the previous COPY
            continue
        try:
            before = _cut(sql, pos, m.end())
        except ValueError:  # the line is inside a string, a body or a comment: no COPY of the file's own
            continue
        if not before or before[-1].start != m.start() + len(m.group()) - len(m.group().lstrip()):
            continue
        rows_end = _END_OF_ROWS.search(sql, m.end())
        end = rows_end.end() if rows_end else len(sql)
        pieces.extend(before)
        if sql[m.end():end].strip():
            pieces.append(Piece(m.end(), end, m.start()))
        pos = end
    try:
        pieces.extend(_cut(sql, pos, len(sql)))
    except ValueError as e:  # an unterminated string or comment: the statement it is in runs to the end
        try:
            head = _cut(sql, pos, pos + e.args[0], closed_only=True)
        except ValueError:
            head = []
        pieces.extend(head)
        pieces.append(Piece(head[-1].end if head else pos, len(sql)))
    return pieces


def _cut(sql: str, a: int, b: int, closed_only: bool = False) -> list[Piece]:
    """The statements of sql[a:b] (of them, with `closed_only`, those its semicolons end); ValueError(offset into
    the slice) when the scanner refuses it."""
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(sql[a:b])
    except ParseError as e:
        index = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
        raise ValueError(index) from e
    out: list[Piece] = []
    start: int | None = None
    last_end = 0
    paren = depth = 0
    kinds = ""  # psql's identifiers[]: the first letters of CREATE OR REPLACE FUNCTION|PROCEDURE, in place
    for tok in tokens:
        if tok.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if start is None:
            start, paren, depth, kinds = tok.start, 0, 0, ""
        last_end = tok.end + 1
        text = sql[a + tok.start:a + tok.end + 1]
        if tok.name == "ASCII_59" and paren == depth == 0:
            out.append(Piece(a + start, a + last_end))
            start = None
        elif tok.name in ("ASCII_40", "ASCII_41"):
            paren += 1 if tok.name == "ASCII_40" else -1
        elif text[:1].isalpha() or text[:1] == "_":
            kinds += _ROUTINE.get(text.lower(), " ")
            depth = _begin_depth(kinds, text.lower(), depth) if paren == 0 else depth
    if start is not None and not closed_only:
        out.append(Piece(a + start, a + last_end))
    return out


def _begin_depth(kinds: str, word: str, depth: int) -> int:
    """psql's begin_depth after `word` in a statement whose words began as `kinds`: inside the body of a
    `CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC`, a semicolon ends no statement until its END."""
    if not (kinds[1:2] in ("f", "p") or kinds[1:3] == "or" and kinds[3:4] in ("f", "p")) or kinds[:1] != "c":
        return depth
    if word == "begin" or (word == "case" and depth >= 1):
        return depth + 1
    if word == "end" and depth > 0:
        return depth - 1
    return depth
