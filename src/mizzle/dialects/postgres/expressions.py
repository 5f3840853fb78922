"""Comparison keys for SQL expressions (checks, partial-index predicates, index expressions, generated
columns, defaults), computed with PostgreSQL's own parser (pglast) and the rewrites PostgreSQL's parse
analysis applies before it stores an expression, so that the author's spelling and the server's deparsed
text get one key:

- quoting, spacing, redundant parentheses, keyword and function-name case (the parser folds them);
- table-qualified columns (`"posts"."published"` → `published`);
- a plain call of a pg_catalog or public function qualified (`pg_catalog.gen_random_uuid()` → `gen_random_uuid()`);
- `x IN (a, b)` → `x = ANY (ARRAY[a, b])`, `x NOT IN (…)` → `x <> ALL (ARRAY[…])`, `x IN (a)` → `x = a`;
- `x BETWEEN a AND b` → `x >= a AND x <= b` (NOT BETWEEN: `x < a OR x > b`);
- `x LIKE p` → `x ~~ p` (`NOT LIKE` → `!~~`, `ILIKE` → `~~*`, `NOT ILIKE` → `!~~*`);
- nested AND / OR flattened (the server stores `a AND b AND c` as one list);
- casts on literals and on arrays of literals dropped (`'queued'::text`, `'SCHEDULED'::state_type`,
  `'english'::regconfig`, `ARRAY['a'::text]`, `'x'::character varying`): parse analysis adds them to give an
  untyped literal the type its context wants, so they say nothing the context does not;
- casts of a column to text / varchar dropped (`(email)::text`), which the server adds around varchar
  columns compared with text, and of a COALESCE of columns and constants (`(COALESCE(title, ''))::text`);
- a negative number as the server prints it, quoted (`-90` is stored as `'-90'::integer`: the cast dropped as
  above, the same key).

Where a server is at hand, `schema/compare.py` also asks it what it stores (see `server_forms`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TEXT_TYPES = ("text", "varchar", "bpchar")


def _names(type_name: Any) -> list[str]:
    return [getattr(n, "sval", "") for n in (type_name.names or ())]


def _rewrite(node: Any, keep: int = 1) -> Any:
    """The node with PostgreSQL's parse-analysis rewrites applied, recursively (returns a new node or the
    same one, changed in place). `keep`: how many trailing names of a column reference are kept (1: the column
    alone, as in a table's expressions; 2: its relation too, as a query over several relations needs)."""
    from pglast import ast

    if isinstance(node, tuple):
        return tuple(_rewrite(n, keep) for n in node)
    if not isinstance(node, ast.Node):
        return node
    if isinstance(node, ast.ColumnRef) and node.fields and len(node.fields) > keep:
        return ast.ColumnRef(fields=tuple(node.fields[-keep:]))
    if isinstance(node, ast.TypeCast):
        return _rewrite_cast(node, keep)
    if isinstance(node, ast.A_Const) and isinstance(node.val, (ast.Integer, ast.Float)):
        text = str(node.val.ival) if isinstance(node.val, ast.Integer) else str(node.val.fval)
        if text.startswith("-"):  # the server prints a negative constant quoted and cast: `'-90'::integer`
            return ast.A_Const(val=ast.String(sval=text))
        return node
    if isinstance(node, ast.A_Expr):
        return _rewrite_expr(node, keep)
    if isinstance(node, ast.BoolExpr):
        return _rewrite_bool(node, keep)
    if isinstance(node, ast.CaseExpr) and node.defresult is not None:
        d = _rewrite(node.defresult, keep)  # a CASE without ELSE is stored with `ELSE NULL::<its type>`
        node.defresult = None if isinstance(d, ast.A_Const) and getattr(d, "isnull", False) else d
    if isinstance(node, ast.FuncCall):
        _unqualify_catalog_call(node)
    if isinstance(node, ast.ResTarget) and node.name is not None and node.name == _default_colname(node.val):
        node.name = None  # `(SELECT auth.uid() AS uid)`: the server names a subquery's column so, said or not
    for name in node:  # every other node: rewrite its children
        value = getattr(node, name)
        if isinstance(value, (ast.Node, tuple)):
            setattr(node, name, _rewrite(value, keep))
    return node


def _unqualify_catalog_call(node: Any) -> None:
    """`pg_catalog.gen_random_uuid()` is stored as `gen_random_uuid()`: pg_catalog is searched first whatever the
    search_path says, so the server's deparser drops the qualifier; so is `public.f(name)` where public is on the
    search_path, as it is where mizzle reads a database (a Supabase policy on storage.objects calling a public
    function). Only a plain call: a call in SQL syntax (`EXTRACT(… FROM …)`, `substring(… FROM …)`) is parsed as
    pg_catalog's and printed from that name."""
    from pglast.enums import CoercionForm

    names: tuple[Any, ...] = tuple(node.funcname or ())
    if len(names) == 2 and getattr(names[0], "sval", None) in ("pg_catalog", "public") \
            and node.funcformat == CoercionForm.COERCE_EXPLICIT_CALL:
        node.funcname = names[1:]


def as_stored(tree: Any, keep: int = 1) -> Any:
    """A parsed tree (pglast) with the rewrites above applied, as `_rewrite` does (changed in place)."""
    return _rewrite(tree, keep)


def _default_colname(val: Any) -> str | None:
    """The name PostgreSQL gives a select-list item without AS (FigureColname): a column's, a function's."""
    from pglast import ast

    if isinstance(val, ast.ColumnRef) and val.fields and isinstance(val.fields[-1], ast.String):
        return str(val.fields[-1].sval)
    if isinstance(val, ast.FuncCall) and val.funcname:
        return str(val.funcname[-1].sval)
    if isinstance(val, ast.TypeCast):
        names = _names(val.typeName)
        return _default_colname(val.arg) or (names[-1] if names else None)
    return _keyword_colname(val)


def _keyword_colname(val: Any) -> str | None:
    """FigureColname's name for an expression spelled with a keyword: EXISTS and ARRAY(…) subqueries, CASE,
    COALESCE, GREATEST / LEAST, NULLIF, ARRAY[…], ROW(…), CURRENT_USER and its kin (`( SELECT (EXISTS …) AS
    "exists")`, as PostgreSQL stores a policy's scalar subquery)."""
    from pglast import ast, enums

    if isinstance(val, ast.SubLink):
        kind = val.subLinkType
        return "exists" if kind == enums.SubLinkType.EXISTS_SUBLINK else (
            "array" if kind == enums.SubLinkType.ARRAY_SUBLINK else None)
    if isinstance(val, ast.MinMaxExpr):
        return "greatest" if val.op == enums.MinMaxOp.IS_GREATEST else "least"
    if isinstance(val, ast.A_Expr) and val.kind == enums.A_Expr_Kind.AEXPR_NULLIF:
        return "nullif"
    if isinstance(val, ast.SQLValueFunction) and val.op is not None:  # SVFOP_CURRENT_TIMESTAMP_N: current_timestamp
        return enums.SQLValueFunctionOp(val.op).name.lower().removeprefix("svfop_").removesuffix("_n")
    simple = {ast.CaseExpr: "case", ast.CoalesceExpr: "coalesce", ast.A_ArrayExpr: "array", ast.RowExpr: "row"}
    return next((name for cls, name in simple.items() if isinstance(val, cls)), None)


def _rewrite_cast(node: Any, keep: int) -> Any:
    """A constant's cast is folded into the constant; a column cast to text is the column."""
    from pglast import ast

    arg = _rewrite(node.arg, keep)
    names = _names(node.typeName)
    if len(names) == 2 and names[0] == "pg_catalog":  # `timestamp(3) with time zone` is `timestamptz(3)`
        node.typeName.names = node.typeName.names[1:]
        names = names[1:]
    if names and names[-1] == "interval" and isinstance(arg, ast.A_Const) and isinstance(arg.val, ast.String):
        # `interval '15 minutes'` is stored as '00:15:00'::interval
        return ast.A_Const(val=ast.String(sval=interval_text(str(arg.val.sval))))
    if isinstance(arg, ast.A_Const) or (
            isinstance(arg, ast.A_ArrayExpr) and all(isinstance(e, ast.A_Const) for e in (arg.elements or ()))):
        return arg
    if names and names[-1] in _TEXT_TYPES and _column_like(arg):
        return arg
    node.arg = arg
    return node


def _column_like(node: Any) -> bool:
    """A column, or a COALESCE of columns and constants (the server casts `COALESCE(title, '')` over a varchar
    column to text as it casts the column: jns-w/edu-fullstack's generated tsvector)."""
    from pglast import ast

    if isinstance(node, ast.ColumnRef):
        return True
    return isinstance(node, ast.CoalesceExpr) and any(isinstance(a, ast.ColumnRef) for a in node.args or ()) and all(
        isinstance(a, (ast.ColumnRef, ast.A_Const)) for a in node.args or ())


def _rewrite_expr(node: Any, keep: int) -> Any:
    """IN, BETWEEN, LIKE and != as the server stores them (= ANY (ARRAY[…]), two comparisons, ~~, <>)."""
    from pglast import ast
    from pglast.enums import A_Expr_Kind, BoolExprType

    kind = node.kind
    lexpr, rexpr = _rewrite(node.lexpr, keep), _rewrite(node.rexpr, keep)
    op = _names(ast.TypeName(names=node.name)) if node.name else []
    if kind == A_Expr_Kind.AEXPR_IN and isinstance(rexpr, (tuple, list)):
        neg = op and op[-1] == "<>"
        if len(rexpr) == 1:  # `x IN (a)` is stored as `x = a`
            return _op("<>" if neg else "=", lexpr, rexpr[0])
        return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ALL if neg else A_Expr_Kind.AEXPR_OP_ANY,
                          name=(ast.String(sval="<>" if neg else "="),), lexpr=lexpr,
                          rexpr=ast.A_ArrayExpr(elements=tuple(rexpr)))
    if kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN) and isinstance(rexpr, (tuple, list)):
        lo, hi = rexpr
        if kind == A_Expr_Kind.AEXPR_BETWEEN:
            parts = (_op(">=", lexpr, lo), _op("<=", lexpr, hi))
            return ast.BoolExpr(boolop=BoolExprType.AND_EXPR, args=parts)
        parts = (_op("<", lexpr, lo), _op(">", lexpr, hi))
        return ast.BoolExpr(boolop=BoolExprType.OR_EXPR, args=parts)
    if kind in (A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE) and op:
        # `x LIKE p` is stored as the operator it stands for, `x ~~ p` (NOT ILIKE: `!~~*`)
        return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(sval=op[-1]),), lexpr=lexpr, rexpr=rexpr)
    if op == ["!="]:
        node.name = (ast.String(sval="<>"),)
    if op and op[-1] in _TEXT_ARRAY_OPERAND and isinstance(rexpr, ast.A_Const) and isinstance(rexpr.val, ast.String):
        stored = array_output(str(rexpr.val.sval))  # `'{a, b}'` is stored as the text[] it becomes: '{a,b}'
        if stored is not None:
            rexpr = ast.A_Const(val=ast.String(sval=stored))
    node.lexpr, node.rexpr = lexpr, rexpr
    return node


# jsonb's operators whose right operand is a text[] (a path, keys): an untyped literal there is read as one
_TEXT_ARRAY_OPERAND = frozenset({"#>", "#>>", "#-", "?|", "?&"})


def array_output(literal: str) -> str | None:
    """A one-dimensional array literal (`{ a , "b c" }`) as PostgreSQL's array output writes it (`{a,"b c"}`:
    unquoted elements trimmed, an element quoted where it is empty, NULL, or holds a brace, comma, quote, backslash
    or space); None for anything else (nested, malformed), which is then compared as written."""
    text = literal.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    elements: list[str | None] = []
    i, end = 1, len(text) - 1
    if not text[1:end].strip():
        return "{}"
    while True:
        while i < end and text[i].isspace():
            i += 1
        value, quoted, i = _array_element(text, i, end)
        if value is None:
            return None
        elements.append(None if not quoted and value.upper() == "NULL" else value)
        if i == end:
            break
        if text[i] != ",":
            return None
        i += 1
    return "{" + ",".join(_array_item(e) for e in elements) + "}"


def _array_element(text: str, i: int, end: int) -> tuple[str | None, bool, int]:
    """The element starting at `i` (its value, whether it was quoted, the index after it and the blanks after it);
    None for what this reading does not take (a nested array, a quote left open)."""
    out: list[str] = []
    if i < end and text[i] == '"':
        i += 1
        while i < end and text[i] != '"':
            if text[i] == "\\":
                i += 1
            if i >= end:
                return None, True, i
            out.append(text[i])
            i += 1
        if i >= end:
            return None, True, i
        i += 1
        while i < end and text[i].isspace():
            i += 1
        return "".join(out), True, i
    while i < end and text[i] not in ",":
        if text[i] in '{}"':
            return None, False, i
        if text[i] == "\\":
            i += 1
            if i >= end:
                return None, False, i
        out.append(text[i])
        i += 1
    value = "".join(out).strip()
    return (value if value else None), False, i


def _array_item(e: str | None) -> str:
    if e is None:
        return "NULL"
    if e == "" or e.upper() == "NULL" or any(ch in '{},"\\' or ch.isspace() for ch in e):
        return '"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return e


def _rewrite_bool(node: Any, keep: int) -> Any:
    """AND and OR flattened (`a AND (b AND c)` is `a AND b AND c`)."""
    from pglast import ast
    from pglast.enums import BoolExprType

    args = [_rewrite(a, keep) for a in node.args or ()]
    if node.boolop != BoolExprType.NOT_EXPR:
        flat: list[Any] = []
        for a in args:
            if isinstance(a, ast.BoolExpr) and a.boolop == node.boolop:
                flat.extend(a.args or ())
            else:
                flat.append(a)
        args = flat
    node.args = tuple(args)
    return node


def _op(op: str, left: Any, right: Any) -> Any:
    from pglast import ast
    from pglast.enums import A_Expr_Kind

    return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(sval=op),), lexpr=left, rexpr=right)


def _flat(sql: str) -> str:
    return " ".join(sql.split()).lower()


@lru_cache(maxsize=8192)
def expression_key(sql: str | None) -> str | None:
    """One key per meaning (see the module docstring); an expression pglast cannot read is compared by its
    text with whitespace folded."""
    if sql is None:
        return None
    try:
        from pglast import parse_sql
        from pglast.stream import RawStream
    except ImportError:  # pragma: no cover
        return _flat(sql)
    try:
        stmts = parse_sql(f"SELECT {sql}")
        if len(stmts) != 1 or len(stmts[0].stmt.targetList) != 1:  # type: ignore[union-attr]
            return _flat(sql)
        val = _rewrite(stmts[0].stmt.targetList[0].val)  # type: ignore[union-attr]
        return str(RawStream()(val))
    except Exception:  # noqa: BLE001 - an expression pglast cannot read is compared as text
        return _flat(sql)


def _constant_array(node: Any) -> list[Any] | None:
    """The elements of an ARRAY[…] of constants (nested lists; None for NULL), casts around it or its elements
    set aside, each as the array's text output writes it; None where an element is not such a constant."""
    from pglast import ast

    while isinstance(node, ast.TypeCast):
        if node.arg is not None and not isinstance(node.arg, (ast.A_ArrayExpr, ast.TypeCast, ast.A_Const)):
            return None
        node = node.arg
    if not isinstance(node, ast.A_ArrayExpr):
        return None
    out: list[Any] = []
    for el in node.elements or ():
        while isinstance(el, ast.TypeCast) and not (el.typeName and el.typeName.typmods):
            el = el.arg
        if isinstance(el, ast.A_ArrayExpr):
            inner = _constant_array(el)
            if inner is None:
                return None
            out.append(inner)
        elif isinstance(el, ast.A_Const) and el.isnull:
            out.append(None)
        elif isinstance(el, ast.A_Const) and isinstance(el.val, ast.String):
            out.append(el.val.sval)
        elif isinstance(el, ast.A_Const) and isinstance(el.val, ast.Float):
            out.append(el.val.fval)
        elif isinstance(el, ast.A_Const) and isinstance(el.val, ast.Integer):
            out.append(str(el.val.ival))
        else:
            return None
    return out


@lru_cache(maxsize=1024)
def array_constructor_elements(sql: str) -> list[Any] | None:
    """`ARRAY['a', 'b']::text[]` (Sequelize's array defaults) as the elements of the array literal `'{a,b}'` it
    makes (see types.array_elements); None when `sql` is not an ARRAY constructor of constants."""
    try:
        from pglast import parse_sql

        stmts = parse_sql(f"SELECT {sql}")
        if len(stmts) != 1 or len(stmts[0].stmt.targetList) != 1:  # type: ignore[union-attr]
            return None
        return _constant_array(stmts[0].stmt.targetList[0].val)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - not an expression pglast reads: not such a constructor
        return None


@lru_cache(maxsize=4096)
def split_index_element(sql: str) -> tuple[str, bool | None, str | None, str | None, str | None]:
    """An index element written as one string (`lower(name) DESC NULLS LAST`, `title gin_trgm_ops`,
    `name COLLATE "C"`) → (the expression, asc (None: not said), nulls ("first" / "last" / None), opclass (None:
    not said), collation (None: not said; a top-level COLLATE of the expression is the element's, as PostgreSQL
    takes it)), read by PostgreSQL's grammar; the whole text as the expression when it does not parse as an index
    element."""
    parsed = _parse_index_element(sql)
    if parsed is not None:
        return parsed
    # drizzle-kit's row of an sql`` that is no function call, its ordering (1.x: `"published"::timestamptz(3) desc`)
    # or operator class (0.x: `lower("name") || ' ' || lower("acronym") gist_trgm_ops`) inside the text: its SQL
    # puts the expression in parentheses. The longest head that makes an element of `(head) tail` is the expression.
    if not sql.lstrip().startswith("("):
        for cut in reversed(_top_level_spaces(sql)):
            parsed = _parse_index_element(f"({sql[:cut]}) {sql[cut:].strip()}")
            if parsed is not None:
                return parsed
    return sql, None, None, None, None


def _parse_index_element(sql: str) -> tuple[str, bool | None, str | None, str | None, str | None] | None:
    """split_index_element's reading by PostgreSQL's grammar; None when `sql` is no index element."""
    try:
        from pglast import ast, parse_sql
        from pglast.enums import SortByDir, SortByNulls

        stmt = parse_sql(f"CREATE INDEX x ON t ({sql})")[0].stmt
        assert isinstance(stmt, ast.IndexStmt) and stmt.indexParams and len(stmt.indexParams) == 1
        el = stmt.indexParams[0]
        expr, collation = _element_expression(el)
        asc = {SortByDir.SORTBY_DESC: False, SortByDir.SORTBY_ASC: True}.get(el.ordering)
        nulls = {SortByNulls.SORTBY_NULLS_FIRST: "first", SortByNulls.SORTBY_NULLS_LAST: "last"}.get(el.nulls_ordering)
        opclass = ".".join(_names(ast.TypeName(names=el.opclass))) if el.opclass else None
        if opclass and el.opclassopts:  # `tsvector_ops(siglen=8)`
            opclass += " (" + ", ".join(f"{d.defname}='{getattr(d.arg, 'sval', None) or getattr(d.arg, 'ival', '')}'"
                                        for d in el.opclassopts) + ")"
        return expr, asc, nulls, opclass, collation
    except Exception:  # noqa: BLE001 - not an index element
        return None


def _top_level_spaces(sql: str) -> list[int]:
    """The offsets of the whitespace in `sql` outside quotes and parentheses (the first of each run)."""
    out: list[int] = []
    depth, quote, prev = 0, "", ""
    for i, ch in enumerate(sql):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch.isspace() and depth == 0 and not prev.isspace() and i > 0:
            out.append(i)
        prev = ch
    return out


def index_collations(definition: str) -> tuple[str | None, ...]:
    """Each element's COLLATE in a whole `CREATE INDEX …` (pg_get_indexdef, which writes one only where it is
    not the column's or expression's own), as the collation is written; () when it does not parse."""
    try:
        from pglast import ast, parse_sql

        stmt = parse_sql(definition)[0].stmt
        assert isinstance(stmt, ast.IndexStmt)
        return tuple(_element_expression(el)[1] for el in stmt.indexParams or ())
    except Exception:  # noqa: BLE001
        return ()


def _element_expression(el: Any) -> tuple[str, str | None]:
    """An IndexElem's expression text and its collation: its own COLLATE, or a top-level one of its expression
    (PostgreSQL strips that: `(name COLLATE "C")` is column name collated "C")."""
    from pglast import ast
    from pglast.stream import RawStream

    expr, names = el.expr, el.collation
    if not names and isinstance(expr, ast.CollateClause):
        expr, names = expr.arg, expr.collname  # type: ignore[union-attr]
    text = str(RawStream()(expr)) if expr is not None else el.name
    return text, ".".join('"' + n.replace('"', '""') + '"' for n in _names(ast.TypeName(names=names))) if names else None


def check_expression(definition: str, plain: str | None = None) -> str:
    """`CHECK ((age >= 0)) NOT VALID` → `age >= 0`; `plain`: pg_get_constraintdef's unpretty text of a pretty
    `definition`, taken where the pretty one lost parentheses (`faithful`)."""
    if plain is not None:
        return faithful(check_expression(definition), check_expression(plain)) or ""
    m = re.fullmatch(r"CHECK\s*\((?P<e>.*)\)(?P<tail>(\s+NO INHERIT|\s+NOT VALID)*)", definition.strip(), re.S)
    return strip_parentheses(m.group("e") if m else definition)


def faithful(pretty: str | None, plain: str | None) -> str | None:
    """An expression as the server deparses it with pretty=true (`pretty`: the fewest parentheses), unless that
    text lost ones the stored tree holds: its deparser writes an AND nested in an AND (or an OR in an OR)
    without them, `a AND (b AND c)` as `a AND b AND c`, which PostgreSQL parses back as one flat AND (a BETWEEN
    inside an AND is such a nested AND). Then the unpretty text (`plain`, outer parentheses stripped)."""
    if pretty is None or plain is None or (" AND " not in pretty and " OR " not in pretty):
        return pretty
    plain = strip_parentheses(betweens_kept(plain))
    return pretty if _same_tree(pretty, plain) else plain


# what a BETWEEN (NOT BETWEEN) becomes: the list it makes, the operators of its two comparisons, its keyword
_RANGE_TESTS = {"AND": ("GREATER_EQUALS", "LESS_EQUALS", "BETWEEN"), "OR": ("ASCII_60", "ASCII_62", "NOT BETWEEN")}


@lru_cache(maxsize=4096)
def betweens_kept(plain: str) -> str:
    """`plain` (a deparsed text with every operand in parentheses) with each AND nested first in an AND, when
    it is a BETWEEN's two comparisons (`((x >= lo) AND (x <= hi)) AND …`), written as that BETWEEN again (and
    a NOT BETWEEN's OR first in an OR). The grammar folds an AND written first in an AND into one list as it
    reads it, parentheses or not; only parse analysis nests one there, from a BETWEEN: written back as a
    BETWEEN, the text makes the tree the server stores. The text unchanged where nothing is such a BETWEEN."""
    try:
        from pglast.parser import scan

        tokens = [(t.start, t.end + 1, t.name) for t in scan(plain)]
    except Exception:  # noqa: BLE001 - not SQL pglast reads
        return plain
    pairs, opened = {}, []
    for i, (_, _, name) in enumerate(tokens):
        if name == "ASCII_40":
            opened.append(i)
        elif name == "ASCII_41" and opened:
            pairs[opened.pop()] = i
    edits: list[tuple[int, int, str]] = []
    for first, last in [(-1, len(tokens)), *pairs.items()]:
        inner = first + 1
        words = _top_level(tokens, pairs, inner, last)
        op = words[0][1] if words else None
        if op is None or tokens[inner][2] != "ASCII_40" or pairs.get(inner) != words[0][0] - 1:
            continue
        text = _as_between(plain, tokens, pairs, inner, op)
        if text is not None and not any(s < tokens[pairs[inner]][1] and tokens[inner][0] < e for s, e, _ in edits):
            edits.append((tokens[inner][0], tokens[pairs[inner]][1], text))
    out = plain
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out if out == plain or expression_key(out) == expression_key(plain) else plain


def _top_level(tokens: list[tuple[int, int, str]], pairs: dict[int, int], first: int,
               last: int) -> list[tuple[int, str]]:
    """The AND / OR keywords (token index, name) of tokens[first:last] outside parentheses."""
    found, i = [], first
    while i < last:
        name = tokens[i][2]
        if name == "ASCII_40" and i in pairs:
            i = pairs[i]
        elif name in ("AND", "OR"):
            found.append((i, name))
        i += 1
    return found


def _as_between(plain: str, tokens: list[tuple[int, int, str]], pairs: dict[int, int], group: int,
                op: str) -> str | None:
    """The parenthesized operand at tokens[group] written as a BETWEEN (`op` AND) or NOT BETWEEN (OR), when it is
    one's two comparisons of one expression (`(x >= lo) AND (x <= hi)`); else None."""
    words = _top_level(tokens, pairs, group + 1, pairs[group])
    if [w for _, w in words] != [op]:
        return None
    parts = []
    sides = ((group + 1, words[0][0], _RANGE_TESTS[op][0]), (words[0][0] + 1, pairs[group], _RANGE_TESTS[op][1]))
    for first, last, cmp in sides:
        if tokens[first][2] != "ASCII_40" or pairs.get(first) != last - 1:
            return None
        at = [i for i in range(first + 1, last - 1) if tokens[i][2] == cmp and _depth(tokens, first + 1, i) == 0]
        if len(at) != 1:
            return None
        parts.append((plain[tokens[first][1]:tokens[at[0]][0]].strip(),
                      plain[tokens[at[0]][1]:tokens[last - 1][0]].strip()))
    (x, lo), (y, hi) = parts
    if expression_key(x) != expression_key(y):
        return None
    return f"({x} {_RANGE_TESTS[op][2]} {lo} AND {hi})"


def _depth(tokens: list[tuple[int, int, str]], first: int, at: int) -> int:
    """How deep in parentheses tokens[at] is, counted from tokens[first]."""
    return sum((t[2] == "ASCII_40") - (t[2] == "ASCII_41") for t in tokens[first:at])


@lru_cache(maxsize=4096)
def _same_tree(a: str, b: str) -> bool:
    """Whether two expressions parse to one tree (True when either does not parse: nothing is known)."""
    try:
        from pglast import parse_sql
        from pglast.stream import RawStream

        def printed(e: str) -> str:
            return str(RawStream()(parse_sql(f"SELECT {e}")[0].stmt.targetList[0].val))  # type: ignore[union-attr,index]

        return printed(a) == printed(b)
    except Exception:  # noqa: BLE001 - not SQL pglast reads
        return True


def strip_parentheses(e: str) -> str:
    """`((a > 0))` → `a > 0`: the parentheses the server wraps around a whole expression."""
    e = e.strip()
    while e.startswith("(") and e.endswith(")") and balanced(e[1:-1]):
        e = e[1:-1].strip()
    return e


def balanced(s: str) -> bool:
    """Whether the parentheses of `s` pair up outside string literals."""
    depth = 0
    quote = False
    for ch in s:
        if ch == "'":
            quote = not quote
        elif not quote:
            depth += ch == "("
            depth -= ch == ")"
            if depth < 0:
                return False
    return depth == 0


# -- speed: the plainest defaults are not parsed -------------------------------------------------------------
# A literal ('x', 12, -1.5, true, null) or a call without arguments (now()), each maybe cast (::jsonb,
# ::character varying(20), ::public.state[]), is built by productions that the restricted DEFAULT expression
# (b_expr) and a full expression share: it parses bare exactly when it parses in parentheses, so column_default
# hands it back as it is either way. What it buys: pull and generate of such a schema import no pglast (~25 ms
# of a 1,000-table pull) and parse nothing.
_TYPE_NAME = r"[a-z_]\w*(?:\.[a-z_]\w*)?(?:\(\d+(?:, ?\d+)?\))?(?: varying| precision| with(?:out)? time zone)?" \
             r"(?:\(\d+(?:, ?\d+)?\))?(?:\[\])*"
_PLAIN_DEFAULT = re.compile(r"(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null|[a-z_]\w*\(\))"
                            rf"(?:::{_TYPE_NAME})*", re.IGNORECASE | re.ASCII)


@lru_cache(maxsize=4096)
def column_default(expr: str) -> str:
    """`expr` as a column's (or a domain's) DEFAULT can hold it: the grammar takes only a restricted expression
    there (`DEFAULT now() AT TIME ZONE 'utc'` is a syntax error; the server prints such a default in parentheses,
    which its introspected text loses), so it is parenthesised when it does not parse bare."""
    if _PLAIN_DEFAULT.fullmatch(expr):
        return expr
    try:
        from pglast import parse_sql
    except ImportError:  # pragma: no cover
        return expr
    try:
        parse_sql(f"CREATE TABLE t (c int DEFAULT {expr})")
        return expr
    except Exception:  # noqa: BLE001 - not a restricted expression (or not SQL at all: the server says which)
        try:
            parse_sql(f"CREATE TABLE t (c int DEFAULT ({expr}))")
        except Exception:  # noqa: BLE001
            return expr
        return f"({expr})"


def interval_text(text: str) -> str:
    """The server's output for the simple interval spellings (`'0'`, `'90'` seconds, `'1 day'`, `'00:05:00'`);
    other spellings are kept as written."""
    t = " ".join(text.strip().lower().split())
    m = re.fullmatch(r"(\d+)(?:\s*(?:s|sec|secs|second|seconds))?", t)
    if m:
        secs = int(m.group(1))
        return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
    m = re.fullmatch(r"(\d+):(\d\d)(?::(\d\d))?", t)
    if m:
        return f"{int(m.group(1)):02d}:{m.group(2)}:{m.group(3) or '00'}"
    units = {"year": "year", "years": "year", "mon": "mon", "mons": "mon", "month": "mon", "months": "mon",
             "day": "day", "days": "day", "d": "day"}
    m = re.fullmatch(r"(\d+) ?(\w+)", t)
    secs_in = {"min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600}
    if m and m.group(2) in secs_in:  # '15 minutes' is printed '00:15:00'
        return interval_text(str(int(m.group(1)) * secs_in[m.group(2)]))
    if m and m.group(2) in units:
        n, u = int(m.group(1)), units[m.group(2)]
        return f"{n} {u}{'s' if n != 1 else ''}"
    return text
