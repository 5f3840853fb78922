"""The lexemes of SQLite's SQL text, as SQLite keeps it in `sqlite_master.sql`: where a literal, a quoted name or a
comment starts and ends, so that what is read from that text (a CHECK, a trigger's body) and what is written
around it are not fooled by an apostrophe in a comment or a `--` in a literal."""

from __future__ import annotations

import re

# one lexeme of a CREATE text: a '…' literal, a quoted name ("…", `…`, […]), a comment (SQLite keeps them in
# sqlite_master.sql), or a run of anything else; an unclosed one runs to the end
LEXEME = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|`(?:[^`]|``)*`?|\[[^\]]*\]?|--[^\n]*|/\*.*?(?:\*/|\Z)"
                    r"|[^'\"`\[\-/]+|.", re.S)


def ends_in_line_comment(text: str) -> bool:
    """Whether `text`'s last lexeme is a `--` comment, which runs to the end of its line: SQL written after it on
    that line would be commented out with it."""
    last = ""
    for m in LEXEME.finditer(text.rstrip()):
        last = m[0]
    return last.startswith("--")
