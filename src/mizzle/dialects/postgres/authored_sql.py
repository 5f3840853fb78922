"""The texts a migration's SQL writes, in the author's spelling (the dialect's `authored_sql` hook, read by
`migrations/authored.py` for `check --rebuild-snapshots`): parsed with pglast for the structure (which table,
column, constraint, index, view, policy), cut out of the file by pglast's scanner for the spelling (character
offsets of tokens, so comments and spaces inside an expression stay as written).

Read: CREATE TABLE's columns (type, DEFAULT, GENERATED … AS (…), NOT NULL) and named CHECKs; ALTER TABLE's ADD
COLUMN, ALTER COLUMN SET/DROP DEFAULT, SET/DROP NOT NULL, SET DATA TYPE, ADD/DROP CONSTRAINT, DROP COLUMN;
CREATE INDEX's expression elements and WHERE; CREATE [MATERIALIZED] VIEW's query; CREATE/ALTER POLICY's USING and
WITH CHECK; renames, SET SCHEMA and drops follow along; the statements a PL/pgSQL DO block runs are read as the
file's. A statement pglast cannot parse, or whose pieces do not line up, is skipped: its facts keep the server's
spelling.
"""

from __future__ import annotations

import re
from typing import Any

from ...migrations.authored import AuthoredTexts
from .types import canonical_type

_OPEN, _CLOSE, _COMMA = "ASCII_40", "ASCII_41", "ASCII_44"
# what nests when a statement is cut at its commas: parentheses, and an array's brackets (`ARRAY['a', 'b']`,
# `'{}'::int[]`), whose elements' commas cut no statement
_OPENERS, _CLOSERS = {_OPEN, "ASCII_91"}, {_CLOSE, "ASCII_93"}
# keywords the scanner reports for a name written bare that may still name a table (`session.id`)
_NAME_KEYWORDS = {"UNRESERVED_KEYWORD", "COL_NAME_KEYWORD", "TYPE_FUNC_NAME_KEYWORD"}
# an index element's expressions that need no parentheses of their own (the grammar's func_expr_windowless)
_CALLS = {"FuncCall", "CoalesceExpr", "MinMaxExpr"}


class _Stmt:
    """One statement's tokens (scanner tokens: start/end offsets, end inclusive) and the file's text."""

    def __init__(self, sql: str, tokens: list[Any]) -> None:
        self.sql, self.toks = sql, tokens

    def text(self, toks: list[Any]) -> str | None:
        return self.sql[toks[0].start:toks[-1].end + 1] if toks else None

    def at(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return next((i for i, t in enumerate(self.toks) if t.start >= offset), len(self.toks))


def _match(toks: list[Any], i: int) -> int:
    """Index of the `)` closing the `(` at toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].name == _OPEN:
            depth += 1
        elif toks[j].name == _CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def _split(toks: list[Any]) -> list[list[Any]]:
    """`toks` cut at their depth-0 commas."""
    out: list[list[Any]] = [[]]
    depth = 0
    for t in toks:
        if t.name in _OPENERS:
            depth += 1
        elif t.name in _CLOSERS:
            depth -= 1
        if t.name == _COMMA and depth == 0:
            out.append([])
        else:
            out[-1].append(t)
    return out


def _depth0(toks: list[Any], name: str, start: int = 0) -> int | None:
    depth = 0
    for j in range(start, len(toks)):
        t = toks[j]
        if t.name in _OPENERS:
            depth += 1
        elif t.name in _CLOSERS:
            depth -= 1
        elif depth == 0 and t.name == name:
            return j
    return None


def _paren_after(toks: list[Any], i: int) -> list[Any] | None:
    """The tokens inside the first parenthesised group at or after toks[i]."""
    j = next((k for k in range(i, len(toks)) if toks[k].name == _OPEN), None)
    if j is None:
        return None
    return toks[j + 1:_match(toks, j)]


def _inside(st: _Stmt, toks: list[Any], i: int) -> str | None:
    """The text inside the first parenthesised group at or after toks[i], exactly as written: drizzle-kit writes
    `GENERATED ALWAYS AS (${as})`, `CHECK (${value})`, `USING (${using})` around the schema code's text and keeps
    that text in its snapshot, spaces and line breaks at its ends included."""
    j = next((k for k in range(i, len(toks)) if toks[k].name == _OPEN), None)
    if j is None:
        return None
    k = _match(toks, j)
    if k == j + 1 or toks[k].name != _CLOSE:
        return None
    return st.sql[toks[j].end + 1:toks[k].start]


def _strip_outer(toks: list[Any]) -> list[Any]:
    if toks and toks[0].name == _OPEN and _match(toks, 0) == len(toks) - 1:
        return toks[1:-1]
    return toks


def _key(rv: Any) -> tuple[str, str]:
    return (str(rv.schemaname or "public"), str(rv.relname))


def read(sql: str, texts: AuthoredTexts) -> None:
    """Record in `texts` what the migration `sql` writes (see the module docstring)."""
    from pglast import parse_sql, parser
    from pglast.parser import ParseError

    chunks = [sql]
    try:
        stmts = parse_sql(sql)
    except ParseError:
        chunks = sql.split("--> statement-breakpoint")
        stmts = None
    for chunk in chunks:
        if stmts is None:
            try:
                parsed = parse_sql(chunk)
            except ParseError:
                continue
        else:
            parsed = stmts
        try:
            tokens = parser.scan(chunk)
        except ParseError:
            continue
        for raw in parsed:
            begin = raw.stmt_location or 0
            end = begin + raw.stmt_len if raw.stmt_len else len(chunk)
            st = _Stmt(chunk, [t for t in tokens if begin <= t.start < end and t.name != "ASCII_59"])
            try:
                _statement(raw.stmt, st, texts)
            except (IndexError, KeyError, AttributeError, TypeError, ValueError):
                continue  # pieces that do not line up: the server's spelling stays


def _statement(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    kind = type(node).__name__
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(node, st, texts)


def _create_table(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    table = _key(node.relation)
    if node.if_not_exists and any(k[:2] == table for k in texts.columns):
        return  # a table the SQL already made: the server skips the statement, so its texts are not the table's
    texts.drop_table(table)
    elts = node.tableElts or ()
    if not elts or node.partbound is not None:
        return
    i = st.at(node.relation.location)
    inner = _paren_after(st.toks, i)
    segments = _split(inner or [])
    if len(segments) != len(elts):
        return
    written = not _hand_written(elts, segments)
    for elt, seg in zip(elts, segments, strict=True):
        if type(elt).__name__ == "ColumnDef":
            _column_def(elt, st, seg, table, texts, written)
        elif type(elt).__name__ == "Constraint":
            _constraint(elt, st, seg, table, texts)


def _hand_written(elts: Any, segments: list[list[Any]]) -> bool:
    """The CREATE TABLE is none drizzle-kit wrote: a comment inside it, a column's inline REFERENCES, or NOT NULL
    before DEFAULT (drizzle-kit writes `DEFAULT … NOT NULL` and its foreign keys apart). elizaOS/cloud's hand-written
    0030 quotes every name as drizzle-kit does, and spells `timestamptz` where its schema code (and so drizzle-kit's
    snapshot) says `timestamp with time zone`: such a statement's types are the server's spelling, as an unquoted
    name's are (`_quoted_name`)."""
    if any(t.name in ("SQL_COMMENT", "C_COMMENT") for seg in segments for t in seg):
        return True
    for elt in elts:
        cons = sorted((c.location, _contype(c)) for c in getattr(elt, "constraints", None) or ())
        kinds = [k for _, k in cons]
        if "CONSTR_FOREIGN" in kinds and type(elt).__name__ == "ColumnDef":
            return True
        if "CONSTR_NOTNULL" in kinds and "CONSTR_DEFAULT" in kinds[kinds.index("CONSTR_NOTNULL"):]:
            return True
    return False


def _column_def(cd: Any, st: _Stmt, seg: list[Any], table: tuple[str, str], texts: AuthoredTexts,
                written: bool = True) -> None:
    """`written`: the statement may be drizzle-kit's (see `_hand_written`); if not, the type is left to the server,
    as for a name written bare (the default stays as written: the server's `0.00` for `DEFAULT '0.00'` is not
    the `'0.00'` of drizzle-kit's `numeric().default("0.00")`)."""
    col = texts.column(table, cd.colname)
    col.clear()
    quoted = _quoted_name(st, seg)
    cons = list(cd.constraints or ())
    bounds = sorted([c.location for c in cons] + ([cd.collClause.location] if cd.collClause else []))
    if cd.typeName is not None and quoted and written:
        start = cd.typeName.location
        stop = min([b for b in bounds if b > start], default=seg[-1].end + 1)
        col["type"] = _type_text(st.text([t for t in seg if start <= t.start < stop]))
    col["not_null"] = False
    for c in cons:
        stop = min([b for b in bounds if b > c.location], default=seg[-1].end + 1)
        toks = [t for t in seg if c.location <= t.start < stop]
        ct = _contype(c)
        if ct == "CONSTR_NOTNULL":
            col["not_null"] = True
        elif ct == "CONSTR_PRIMARY":
            col["not_null"] = col.get("not_null", False)
        elif ct == "CONSTR_DEFAULT" and quoted:
            k = next(j for j, t in enumerate(toks) if t.name == "DEFAULT")
            col["default"] = st.text(toks[k + 1:])
        elif ct == "CONSTR_GENERATED":
            inner = _inside(st, toks, 0)
            if inner:
                col["generated"] = inner
        elif ct == "CONSTR_CHECK" and c.conname:
            _check(c, st, toks, table, texts)


def _quoted_name(st: _Stmt, seg: list[Any]) -> bool:
    """The column definition names its column in double quotes, as drizzle-kit writes every name. An unquoted name
    is SQL a person wrote (drmauij/Viali's `base_price decimal(10, 2)`): the snapshot drizzle-kit wrote next comes
    from the TypeScript, whose builders spell a type as the server does (`decimal()` is `numeric(10, 2)`) and a
    default as the server deparses it (`defaultNow()` is `now()`, Viali's `DEFAULT NOW()`), so both are left to the
    server's spelling."""
    return bool(seg) and st.sql[seg[0].start] == '"'


_SIZED_USER_ARRAY = re.compile(r'(?:"(?:[^"]|"")+"\s*\.\s*)?"((?:[^"]|"")+)"((?:\s*\[\s*\d*\s*\])*\s*\[\s*\d+\s*\]'
                               r'(?:\s*\[\s*\d*\s*\])*)')


def _type_text(text: str | None) -> str | None:
    if not text:
        return None
    if re.fullmatch(r'"[^"A-Z]+"', text):  # drizzle-kit quotes some type names ("smallserial", "inet")
        text = text[1:-1]
    elif '"' in text:
        # a schema-qualified or quoted user type, or one whose quotes keep its case (AdventureWorks' domain
        # "Name": lower-cased, it is PostgreSQL's own type name): the server's spelling, but for an array's sizes,
        # which the server does not keep and drizzle-kit's snapshot does (`"folder"."enum2"[3]` is `enum2[3]`)
        m = _SIZED_USER_ARRAY.fullmatch(text.strip())
        return m.group(1).replace('""', '"') + re.sub(r"\s+", "", m.group(2)) if m else None
    return written_type(text)


def written_type(text: str) -> str:
    """A type as the migration spells it, which is how drizzle-kit's snapshot spells it: drizzle-kit's SQL writes
    the snapshot's type text (a `customType` named `timestamptz` is `timestamptz` in both; flowglad's 0244 `SET
    DATA TYPE timestamptz`), so an alias the server resolves (`timestamptz`, `int4`, `bool`) stays as written.
    Only case and spacing are drizzle-kit's: lower case, single spaces, `numeric(10, 2)`'s comma-space, nothing
    inside the parentheses; `timestamp (3)` and `timestamp(3)` are both drizzle-kit's and stay."""
    t = " ".join(text.split()).lower()
    t = re.sub(r"\(\s*([^()]*?)\s*\)", lambda m: "(" + re.sub(r"\s*,\s*", ", ", m.group(1)) + ")", t)
    return re.sub(r"\s+\[", "[", t)


def _contype(c: Any) -> str:
    return str(getattr(c.contype, "name", c.contype))


def _check(c: Any, st: _Stmt, toks: list[Any], table: tuple[str, str], texts: AuthoredTexts) -> None:
    k = next(j for j, t in enumerate(toks) if t.name == "CHECK")
    inner = _inside(st, toks, k)
    if inner:
        texts.checks[(table[0], table[1], c.conname)] = inner


def _constraint(c: Any, st: _Stmt, seg: list[Any], table: tuple[str, str], texts: AuthoredTexts) -> None:
    if _contype(c) == "CONSTR_CHECK" and c.conname:
        _check(c, st, [t for t in seg if t.start >= c.location], table, texts)


def _alter_table(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    if str(getattr(node.objtype, "name", node.objtype)) != "OBJECT_TABLE":
        return
    table = _key(node.relation)
    cmds = node.cmds or ()
    segments = _split(st.toks)
    if len(segments) != len(cmds):
        return
    for cmd, seg in zip(cmds, segments, strict=True):
        _alter_cmd(cmd, st, seg, table, texts)


def _alter_cmd(cmd: Any, st: _Stmt, seg: list[Any], table: tuple[str, str], texts: AuthoredTexts) -> None:
    sub = str(getattr(cmd.subtype, "name", cmd.subtype))
    if sub == "AT_AddColumn":
        if cmd.missing_ok and (table[0], table[1], cmd.def_.colname) in texts.columns:
            return  # ADD COLUMN IF NOT EXISTS of a column the SQL already made (runtipi's 0004): a no-op
        _column_def(cmd.def_, st, [t for t in seg if t.start >= cmd.def_.location], table, texts)
    elif sub == "AT_ColumnDefault":
        col = texts.column(table, cmd.name)
        k = _depth0(seg, "DEFAULT")
        col["default"] = st.text(seg[k + 1:]) if cmd.def_ is not None and k is not None else None
    elif sub in ("AT_SetNotNull", "AT_DropNotNull"):
        texts.column(table, cmd.name)["not_null"] = sub == "AT_SetNotNull"
    elif sub == "AT_AlterColumnType":
        start = cmd.def_.typeName.location
        toks = [t for t in seg if t.start >= start]
        stop = min((j for j in (_depth0(toks, "USING"), _depth0(toks, "COLLATE")) if j is not None), default=len(toks))
        texts.column(table, cmd.name)["type"] = _type_text(st.text(toks[:stop]))
    elif sub == "AT_AddConstraint":
        _constraint(cmd.def_, st, seg, table, texts)
    elif sub == "AT_DropConstraint":
        texts.checks.pop((table[0], table[1], cmd.name), None)
    elif sub == "AT_DropColumn":
        texts.drop_column(table, cmd.name)
    elif sub == "AT_DropExpression":
        texts.column(table, cmd.name).pop("generated", None)


def _index(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    if not node.idxname:
        return
    table = _key(node.relation)
    on = _depth0(st.toks, "ON")
    if on is None:
        return
    j = next(k for k in range(on, len(st.toks)) if st.toks[k].name == _OPEN)
    close = _match(st.toks, j)
    elems = _split(st.toks[j + 1:close])
    params = node.indexParams or ()
    if len(elems) != len(params):
        return
    exprs: dict[int, str] = {}
    opclasses: dict[str, str] = {}  # an operator class the SQL names, the default one too (drizzle-kit's `.op()`)
    expr_opclasses: dict[int, str] = {}  # an expression's, by its position
    for n, (p, toks) in enumerate(zip(params, elems, strict=True)):
        if p.opclass and p.name:  # a plain column's, by its name
            opclasses[str(p.name)] = ".".join(str(x.sval) for x in p.opclass)
        if p.expr is None:
            continue
        if p.opclass:
            expr_opclasses[n] = ".".join(str(x.sval) for x in p.opclass)
        exprs[n] = _element_text(p, toks, st)
    where = None
    if node.whereClause is not None:
        w = _depth0(st.toks, "WHERE", close + 1)
        where = st.text(st.toks[w + 1:]) if w is not None else None
    # CONCURRENTLY: drizzle-kit's `.concurrently()` (its snapshot says so; the server keeps no trace of it)
    texts.indexes[(table[0], node.idxname)] = {"table": table, "where": where, "exprs": exprs, "opclasses": opclasses,
                                               "concurrently": bool(node.concurrent)}
    if expr_opclasses:
        texts.indexes[(table[0], node.idxname)]["expr_opclasses"] = expr_opclasses


def _element_text(p: Any, toks: list[Any], st: _Stmt) -> str:
    """An index element's expression as the SQL spells it, but for the parentheses around a lone function call
    (`(lower(domain))`): an element needs none there, drizzle-kit writes none (sql`lower(domain)`), and its
    snapshot, like mizzle's, holds the call; they are mizzle's own SQL's, which puts every expression element in
    parentheses (`pull`'s Supabase auth.sso_domains_domain_idx). COALESCE, GREATEST and LEAST are calls to the
    grammar too, and an element in two layers (`((stars::integer))`, a Django project's Cast index pulled) has
    mizzle's around the snapshot's: one is dropped."""
    k = next((m for m, t in enumerate(toks) if t.name == _OPEN), None)
    if k is None:
        return st.text(toks[:1]) or ""
    end = _match(toks, k)
    if k == 0 and end > 2 and toks[1].name == _OPEN and _match(toks, 1) == end - 1:
        return st.text(toks[1:end]) or ""
    if k == 0 and type(p.expr).__name__ in _CALLS and end > 1:
        inner = next((m for m in range(1, end) if toks[m].name == _OPEN), None)
        if inner is not None and _match(toks, inner) == end - 1:  # `(` name `(` … `)` `)`: the call, nothing after
            return st.text(toks[1:end]) or ""
    return st.text(toks[:end + 1]) or ""


def _query_after_as(st: _Stmt, tail: tuple[str, ...]) -> str | None:
    k = _depth0(st.toks, "AS")
    if k is None:
        return None
    toks = st.toks[k + 1:]
    w = None
    depth = 0
    for j, t in enumerate(toks):  # the last depth-0 WITH: WITH [NO] DATA / WITH … CHECK OPTION
        depth += (t.name == _OPEN) - (t.name == _CLOSE)
        if depth == 0 and t.name == "WITH":
            w = j
    if w is not None and w > 0 and any(t.name in tail for t in toks[w + 1:]):
        toks = toks[:w]
    if len(toks) > 2 and _strip_outer(toks) is not toks:
        # drizzle-kit's `AS (${definition})`: the text between the parentheses is its snapshot's, spacing and all
        return st.sql[toks[0].end + 1:toks[-1].start]
    return st.text(toks)


def _view(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    q = _query_after_as(st, ("CHECK", "OPTION"))
    if q:
        texts.views[_key(node.view)] = q


def _matview(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    if str(getattr(node.objtype, "name", node.objtype)) != "OBJECT_MATVIEW":
        return
    q = _query_after_as(st, ("DATA_P",))
    if q:
        texts.views[_key(node.into.rel)] = q
        if node.into.skipData:
            texts.no_data.add(_key(node.into.rel))
        else:
            texts.no_data.discard(_key(node.into.rel))
        if node.into.accessMethod:  # drizzle-kit's `.using("heap")`
            texts.view_using[_key(node.into.rel)] = str(node.into.accessMethod)
        else:
            texts.view_using.pop(_key(node.into.rel), None)


_ROLE_WORDS = {"ROLESPEC_CURRENT_ROLE": "current_role", "ROLESPEC_CURRENT_USER": "current_user",
               "ROLESPEC_SESSION_USER": "session_user", "ROLESPEC_PUBLIC": "public"}


def _policy(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    key = (*_key(node.table), node.policy_name)
    entry = texts.policies.setdefault(key, {}) if type(node).__name__ == "AlterPolicyStmt" else {}
    texts.policies[key] = entry
    u = _depth0(st.toks, "USING")
    if u is not None and node.qual is not None:
        entry["using"] = _inside(st, st.toks, u)
    c = next((j for j in range(len(st.toks) - 1) if st.toks[j].name == "WITH" and st.toks[j + 1].name == "CHECK"),
             None)
    if c is not None and node.with_check is not None:
        entry["with_check"] = _inside(st, st.toks, c)
    if node.roles:  # as written: `current_role` is the word, `a, public` both (the server keeps a role, public)
        to = sorted(_ROLE_WORDS.get(str(getattr(r.roletype, "name", r.roletype)), r.rolename) for r in node.roles)
        if any(r in _ROLE_WORDS.values() and r != "public" for r in to) or ("public" in to and len(to) > 1):
            entry["to"] = to
        else:
            entry.pop("to", None)


def _rename(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    kind = str(getattr(node.renameType, "name", node.renameType))
    if kind == "OBJECT_TABLE":
        old = _key(node.relation)
        texts.rename_table(old, (old[0], node.newname))
        _requalify_table(texts, (old[0], node.newname), old[1])
        texts.renamed_tables[".".join(old)] = f"{old[0]}.{node.newname}"
    elif kind == "OBJECT_COLUMN":
        t = _key(node.relation)
        texts.rename_column(t, node.subname, node.newname)
        texts.renamed_columns[f"{t[0]}.{t[1]}.{node.subname}"] = f"{t[0]}.{t[1]}.{node.newname}"
    elif kind == "OBJECT_SCHEMA":
        texts.renamed_schemas[str(node.subname)] = str(node.newname)
    elif kind == "OBJECT_SEQUENCE":
        old = _key(node.relation)
        texts.renamed_sequences[".".join(old)] = f"{old[0]}.{node.newname}"
    elif kind == "OBJECT_TABCONSTRAINT":
        t = _key(node.relation)
        texts.renamed_constraints[f"{t[0]}.{t[1]}.{node.subname}"] = str(node.newname)
        if (t[0], t[1], node.subname) in texts.checks:
            texts.checks[(t[0], t[1], node.newname)] = texts.checks.pop((t[0], t[1], node.subname))
    elif kind == "OBJECT_INDEX":
        old = _key(node.relation)
        if old in texts.indexes:
            texts.indexes[(old[0], node.newname)] = texts.indexes.pop(old)
    elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        old = _key(node.relation)
        _move_view(texts, old, (old[0], node.newname))
    elif kind == "OBJECT_ROLE" and node.subname in texts.roles:
        texts.roles[node.newname] = texts.roles.pop(node.subname)
    elif kind == "OBJECT_POLICY":
        t = _key(node.relation)
        if (t[0], t[1], node.subname) in texts.policies:
            texts.policies[(t[0], t[1], node.newname)] = texts.policies.pop((t[0], t[1], node.subname))


def _move_view(texts: AuthoredTexts, old: tuple[str, str], new: tuple[str, str]) -> None:
    """A renamed view, or one moved to another schema (drizzle-kit's `ALTER VIEW … SET SCHEMA`), keeps the query
    its CREATE wrote (and WITH NO DATA)."""
    if old in texts.views:
        texts.views[new] = texts.views.pop(old)
    if old in texts.no_data:
        texts.no_data.discard(old)
        texts.no_data.add(new)
    if old in texts.view_using:
        texts.view_using[new] = texts.view_using.pop(old)


def _requalify_table(texts: AuthoredTexts, table: tuple[str, str], old: str) -> None:
    """The texts of the renamed `table` with a column qualified by its old name (`"old"."c"`, as drizzle-kit
    writes an index predicate, an index expression, a check, a generated column or a policy) qualified by the new
    one, as drizzle-kit's snapshot spells them after the rename (PageSpace's 0254: `"agent_sessions"."sandboxId"`
    in an index predicate of the table renamed agent_workspaces)."""
    new = table[1]
    for k in [k for k in texts.checks if k[:2] == table]:
        texts.checks[k] = _requalified(texts.checks[k], old, new)
    for v in texts.indexes.values():
        if v["table"] == table:
            if v.get("where") is not None:
                v["where"] = _requalified(v["where"], old, new)
            v["exprs"] = {pos: _requalified(text, old, new) for pos, text in (v.get("exprs") or {}).items()}
    for k, pol in texts.policies.items():
        if k[:2] == table:
            texts.policies[k] = {part: _requalified(text, old, new) if text is not None else None
                                 for part, text in pol.items()}
    for k, col in texts.columns.items():
        if k[:2] == table and col.get("generated") is not None:
            col["generated"] = _requalified(col["generated"], old, new)


def _requalified(text: str, old: str, new: str) -> str:
    """`text` with each name `old` that qualifies another (followed by a dot) written `new`, quoted as the old one
    was (a bare name stays bare where `new` needs no quotes); string literals, and text the scanner cannot read,
    are left alone."""
    from pglast import parser
    from pglast.parser import ParseError

    try:
        toks = parser.scan(text)
    except ParseError:
        return text
    bare = re.fullmatch(r"[a-z_][a-z0-9_$]*", new) is not None and [t.name for t in parser.scan(new)] == ["IDENT"]
    out, last = [], 0
    for t, nxt in zip(toks, toks[1:], strict=False):
        if nxt.name != "ASCII_46" or not (t.name == "IDENT" or t.kind in _NAME_KEYWORDS):
            continue
        word = text[t.start:t.end + 1]
        quoted = word.startswith('"')
        if (word[1:-1].replace('""', '"') if quoted else word.lower()) != old:
            continue
        out += [text[last:t.start], new if bare and not quoted else '"' + new.replace('"', '""') + '"']
        last = t.end + 1
    return "".join(out) + text[last:] if out else text


def _set_schema(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    kind = str(getattr(node.objectType, "name", node.objectType))
    if kind == "OBJECT_TABLE" and node.relation is not None:
        old = _key(node.relation)
        texts.rename_table(old, (node.newschema, old[1]))
    elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW") and node.relation is not None:
        _move_view(texts, _key(node.relation), (node.newschema, node.relation.relname))


def _drop(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    kind = str(getattr(node.removeType, "name", node.removeType))
    for obj in node.objects or ():
        vals = [getattr(n, "sval", None) for n in (obj if isinstance(obj, tuple) else (obj,))]
        names = [str(v) for v in vals if v is not None]
        if not names or len(names) != len(vals):
            continue
        key = (names[-2] if len(names) > 1 else "public", names[-1])
        if kind == "OBJECT_TABLE":
            texts.drop_table(key)
        elif kind == "OBJECT_INDEX":
            texts.indexes.pop(key, None)
        elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            texts.views.pop(key, None)
            texts.no_data.discard(key)
            texts.view_using.pop(key, None)
        elif kind == "OBJECT_POLICY" and len(names) >= 2:
            table = (names[-3] if len(names) > 2 else "public", names[-2])
            texts.policies.pop((*table, names[-1]), None)


_ROLE_FLAGS = {"createdb": "create_db", "createrole": "create_role", "inherit": "inherit"}


def _create_role(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    if str(getattr(node.stmt_type, "name", node.stmt_type)) != "ROLESTMT_ROLE":
        return
    attrs = texts.roles[str(node.role)] = {"create_db": False, "create_role": False, "inherit": True}
    _role_options(node.options, attrs)


def _role_options(options: Any, attrs: dict[str, bool]) -> None:
    for o in options or ():
        if o.defname in _ROLE_FLAGS and o.arg is not None:
            attrs[_ROLE_FLAGS[o.defname]] = bool(getattr(o.arg, "boolval", getattr(o.arg, "ival", 1)))


def _alter_role(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    name = getattr(node.role, "rolename", None)
    if name in texts.roles:
        _role_options(node.options, texts.roles[str(name)])


def _drop_role(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    for r in node.roles or ():
        texts.roles.pop(str(getattr(r, "rolename", "")), None)


def _do(node: Any, st: _Stmt, texts: AuthoredTexts) -> None:
    """A PL/pgSQL DO block (a hand-written guard: `IF NOT EXISTS (…) THEN CREATE POLICY …`, `BEGIN ALTER TABLE …
    EXCEPTION WHEN duplicate_object …`): the SQL statements it runs, read in order as the file's own. A branch that
    did not run is harmless: an authored text is taken only where the server stores it as it stores its own."""
    from pglast import parse_plpgsql
    from pglast.parser import ParseError

    args = {a.defname: a.arg.sval for a in node.args or () if a.arg is not None}
    if args.get("language", "plpgsql").lower() != "plpgsql" or "as" not in args:
        return
    quote = "$mizzle_do$"
    if quote in args["as"]:
        return
    try:
        tree = parse_plpgsql(f"CREATE FUNCTION mizzle_do() RETURNS void LANGUAGE plpgsql AS {quote}{args['as']}{quote}")
    except ParseError:
        return
    for query in _executed(tree):
        read(query, texts)


def _executed(tree: Any) -> list[str]:
    """The texts of the SQL statements (PLpgSQL_stmt_execsql) in a parse_plpgsql tree, in the body's order."""
    out: list[str] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "PLpgSQL_stmt_execsql":
                out.append(value["sqlstmt"]["PLpgSQL_expr"]["query"])
            else:
                out += _executed(value)
    elif isinstance(tree, list):
        for item in tree:
            out += _executed(item)
    return out


_HANDLERS = {
    "DoStmt": _do, "CreateStmt": _create_table, "AlterTableStmt": _alter_table, "IndexStmt": _index, "ViewStmt": _view,
    "CreateTableAsStmt": _matview, "CreatePolicyStmt": _policy, "AlterPolicyStmt": _policy, "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema, "DropStmt": _drop, "CreateRoleStmt": _create_role,
    "AlterRoleStmt": _alter_role, "DropRoleStmt": _drop_role,
}


def same_type(authored: str, stored: str) -> bool:
    """Whether the server stores the type `authored` as `stored` (both in drizzle-kit's spelling): equal, or
    one of the typmods PostgreSQL's grammar fills in (`char` is char(1), `bit` bit(1), numeric(p) numeric(p, 0))."""
    a, s = canonical_type(authored), canonical_type(stored)
    if a == s:
        return True
    dims = ""
    while a.endswith("[]") and s.endswith("[]"):
        a, s, dims = a[:-2], s[:-2], dims + "[]"
    m = re.fullmatch(r"numeric\((\d+)\)", a)
    return (m is not None and s == f"numeric({m.group(1)}, 0)") or (a in ("char", "bit") and s == f"{a}(1)")


_ENUM_CAST = re.compile(r"""('(?:[^']|'')*')\s*::\s*(?:(?:"(?:[^"]|"")+"|\w+)\s*\.\s*)?("(?:[^"]|"")+"|\w+)"""
                        r"((?:\s*\[\s*\d*\s*\])*)", re.S)


def snapshot_default(authored: str, type_: str, is_enum: bool) -> str | None:
    """An enum column's default without the cast to its own enum that drizzle-kit's SQL adds and its snapshot
    does not: when a column becomes an enum (or the enum loses a value) drizzle-kit writes `SET DEFAULT
    'blocked'::"public"."status"`, the snapshot's default being `'blocked'` (registry-web's 0002); an enum array's
    `'{"a"}'::"public"."status"[]` likewise (`[3]` for a sized one). A boolean's TRUE/FALSE and an integer's quoted
    number are the JSON values drizzle-kit states for `.default(false)` and `.default(1)` (runtipi's hand-written
    `SET DEFAULT FALSE`, `SET DEFAULT '1'`). A json/jsonb column's `DEFAULT null` is none: drizzle-kit writes its
    `.default(null)` `'null'::jsonb`, so that SQL is written by hand, and the server keeps nothing of it (inkeep/
    agents' 0003); elsewhere it is `.default(null)`, JSON null. Any other default is kept as written."""
    if authored.strip() == "null" and type_ in _JSON_TYPES:
        return None
    plain = _json_literal(authored.strip(), type_)
    if plain is not None:
        return plain
    m = _ENUM_CAST.fullmatch(authored.strip()) if is_enum else None
    if m is None:
        return authored
    name = m.group(2)
    name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
    own = re.sub(r"(\[\d*\])+$", "", type_)
    return m.group(1) if name == own and bool(m.group(3).strip()) == (own != type_) else authored


def _json_literal(text: str, type_: str) -> str | None:
    """`text` as the snapshot's JSON value spells it, for a boolean keyword or an integer's quoted number; else None."""
    kind = canonical_type(type_)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower()
    m = re.fullmatch(r"'(-?\d+)'", text) if kind in ("smallint", "integer", "bigint") else None
    return m.group(1) if m else None


_JSON_TYPES = ("json", "jsonb")
_QUOTED = re.compile(r"'(?:[^']|'')*'", re.S)


def unauthored_default(stored: str, type_: str) -> str:
    """A json/jsonb default the server keeps as a bare literal (its own cast dropped: `'{}'`), with that cast, as
    drizzle-kit states it both ways it can know it: its serializer writes `.default({})` as `'{}'::json`, its pull
    `'<JSON>'::json` (cgoinglove/better-chatbot's preferences, added inside a DO block). Any other default is the
    server's."""
    if type_ in _JSON_TYPES and _QUOTED.fullmatch(stored.strip()):
        return f"{stored.strip()}::{type_}"
    return stored
