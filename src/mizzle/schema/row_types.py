"""The tables and views a function's or procedure's signature (or a composite type's attribute) names as a row type (`blurb(public.todos)`,
`RETURNS SETOF todos_view`): PostgreSQL makes the routine depend on them, so it is made after them and dropped
before them. Read from the signature's text, cautiously: a name that may be either an argument's or a type's
counts as a type (a routine then moves later or is dropped earlier than needed, never the reverse)."""

from __future__ import annotations

import re

from .model import DEFAULT_SCHEMA
from .objects import Routine

_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'  # one identifier, quoted or not
_NAME = re.compile(rf'({_PART}(?:\s*\.\s*{_PART})?)')
# a PL/pgSQL variable declared of a relation's row type or of one of its columns' types (`r wf%ROWTYPE`,
# `n public.wf.name%TYPE`)
_DECLARED = re.compile(rf'({_PART}(?:\s*\.\s*{_PART}){{0,2}})\s*%\s*(ROWTYPE|TYPE)\b', re.I)
_MODES = re.compile(r"(?i)^\s*(?:IN|OUT|INOUT|VARIADIC)\s+")
# what a PL/pgSQL body holds that is no code: comments, string literals, nested dollar-quoted strings
_NOT_CODE = re.compile(r"--[^\n]*|/\*.*?\*/|[EeUu]?'(?:[^']|'')*'|(\$(?:[A-Za-z_]\w*)?\$).*?\1", re.S)
# a DECLARE section of a block (an inner block has its own), up to the block's BEGIN
_SECTION = re.compile(r"\bDECLARE\b(.*?)\bBEGIN\b", re.I | re.S)
# one declaration's name and what follows it: `r [CONSTANT] type …`
_DECLARATION = re.compile(rf"^\s*{_PART}\s+(?:CONSTANT\s+)?({_PART}(?:\s*\.\s*{_PART})?)\s*(.?)", re.I | re.S)
# declarations whose second word is no type: `a ALIAS FOR $1`, `c [NO] [SCROLL] CURSOR …`
_NO_TYPE = {"alias", "cursor", "no", "scroll"}
_DEFAULT = re.compile(r"(?is)\s(?:DEFAULT\s|=).*$")


def split_top_level(text: str) -> list[str]:
    """`text` split at the commas outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _idents(name: str) -> list[str]:
    """The identifiers of a dotted name, each as the server reads it (quoted kept, else lower-cased)."""
    parts = [p.strip() for p in re.findall(r'"(?:[^"]|"")+"|[^."\s]+', name)]
    return [p[1:-1].replace('""', '"') if p.startswith('"') else p.lower() for p in parts]


def _key(name: str, schema: str) -> list[tuple[str, str]]:
    idents = _idents(name)
    if len(idents) == 2:
        return [(idents[0], idents[1])]
    return [(schema, idents[0]), (DEFAULT_SCHEMA, idents[0])]


def type_names(type_: str, schema: str) -> set[tuple[str, str]]:
    """(schema, name) a column's or attribute's type may name (`todos`, `public.todos[]`)."""
    return {k for n in _NAME.findall(type_) for k in _key(n, schema)}


def row_types(r: Routine) -> set[tuple[str, str]]:
    """(schema, name) of every relation the signature may name as a type; a bare name in the routine's schema
    and in public."""
    names: list[str] = []
    for arg in split_top_level(r.args):
        found = _NAME.findall(_MODES.sub("", _DEFAULT.sub("", " " + arg)))
        names += found[1:] if len(found) > 1 else found  # the first of several is the argument's name
    names += _NAME.findall(re.sub(r"(?i)^\s*SETOF\s+", "", r.returns or ""))
    return {k for n in names for k in _key(n, r.schema)}


def declared_row_types(r: Routine) -> set[tuple[str, str]]:
    """(schema, name) of the relations a PL/pgSQL body declares variables of (`r wf%ROWTYPE`, `n wf.name%TYPE`,
    `v_user app_public.users`): PostgreSQL resolves them when it checks the body at creation, so the routine is
    made after them (hatchet's and graphile/starter's functions: the pulled baseline made them before their tables,
    and PostgreSQL refused it). `x%TYPE` names a relation `x`'s schema's; a bare row type, found by the search path,
    may be the routine's schema's or public's (both count); `v%TYPE` of another variable names no relation. Any type
    may come out (`integer`): only the diff's tables count for the caller."""
    code = _NOT_CODE.sub(" ", r.body)
    out = set()
    for chain, kind in _DECLARED.findall(code):
        idents = _idents(chain)[:-1] if kind.upper() == "TYPE" else _idents(chain)
        if len(idents) >= 2:
            out.add((idents[-2], idents[-1]))
        elif idents:
            out.add((r.schema, idents[0]))
    return out | {k for name in _declared_types(code) for k in _key(name, r.schema)}


def _declared_types(code: str) -> list[str]:
    """The type names of the variables the DECLARE sections of a PL/pgSQL body (comments and strings blanked)
    declare by a type's bare name (`v_user app_public.users;`, `rs t[]`): a table's name there is its row type,
    which PostgreSQL resolves at creation as it does `t%ROWTYPE`."""
    out = []
    for section in _SECTION.findall(code):
        for declaration in section.split(";"):
            m = _DECLARATION.match(declaration)
            if m and m.group(1).lower() not in _NO_TYPE and m.group(2) not in ("%", "."):
                out.append(m.group(1))
    return out
