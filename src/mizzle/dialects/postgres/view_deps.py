"""What a view's query reads from, and whether one query can replace another in place, read from the query
parsed by PostgreSQL's own parser (pglast)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _parse(sql: str) -> Any:
    import pglast

    try:
        return pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return None


@lru_cache(maxsize=512)
def _range_vars(sql: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """The (schema or "", name) of the relations a query names, and the names of its CTEs."""
    from pglast.visitors import Visitor

    tree = _parse(sql)
    if tree is None:
        return frozenset(), frozenset()
    found: set[tuple[str, str]] = set()
    ctes: set[str] = set()

    class _V(Visitor):  # type: ignore[misc]
        def visit_CommonTableExpr(self, ancestors: Any, node: Any) -> None:
            ctes.add(node.ctename)

        def visit_RangeVar(self, ancestors: Any, node: Any) -> None:
            found.add((node.schemaname or "", node.relname))

    _V()(tree)
    return frozenset(found), frozenset(ctes)


@lru_cache(maxsize=512)
def _relations(sql: str, schema: str) -> frozenset[tuple[str, str]]:
    found, ctes = _range_vars(sql)
    # an unqualified name is looked up on the search_path: the view's own schema, then public
    return frozenset((s or schema, r) for s, r in found if s or r not in ctes)


@lru_cache(maxsize=512)
def functions(sql: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of every schema-qualified function a query or an expression (a default, a check, a policy's
    USING) calls: `auth.uid()`."""
    from pglast.visitors import Visitor

    tree = _parse(sql) or _parse(f"SELECT {sql}")
    found: set[tuple[str, str]] = set()

    class _V(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: Any, node: Any) -> None:
            if len(node.funcname) == 2:
                found.add((node.funcname[0].sval, node.funcname[1].sval))

    if tree is not None:
        _V()(tree)
    return frozenset(found)


@lru_cache(maxsize=512)
def reads_every_column(sql: str) -> bool:
    """Whether a query names `*` or `t.*` (every column of a relation); `count(*)` names none. A query that does
    not parse may: True."""
    from pglast import ast
    from pglast.visitors import Visitor

    tree = _parse(sql)
    if tree is None:
        return True
    found = []

    class _V(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Any, node: Any) -> None:
            if node.fields and isinstance(node.fields[-1], ast.A_Star):
                found.append(node)

    _V()(tree)
    return bool(found)


def reads_itself(sql: str, schema: str, name: str, visible: bool) -> bool:
    """Whether view `schema.name`'s query, as pg_get_viewdef printed it, names the view itself: qualified, or bare
    where the bare name finds the view (`visible`: on the connection that printed it, which qualifies a name only
    where the bare one would find another relation)."""
    found, ctes = _range_vars(sql)
    return (schema, name) in found or (visible and ("", name) in found and name not in ctes)


@lru_cache(maxsize=512)
def query_key(sql: str) -> str:
    """A query as PostgreSQL's parser reads it, printed back (`select "id" from "users"` and
    `SELECT id FROM users` alike): two spellings of one query compare equal without a server. A query that does
    not parse is its own key."""
    import pglast
    from pglast.stream import RawStream

    from .expressions import as_stored

    if _parse(sql) is None:
        return sql
    try:
        tree = pglast.parse_sql(sql)  # a tree of its own: the rewrites change it in place (_parse's is shared)
        _sorts_as_stored(tree)
        _unqualify_single_sources(tree)
        # the server's spelling too: literal casts, IN / BETWEEN / LIKE, an alias equal to the name PostgreSQL
        # gives the column anyway, and a column named with its schema (`"audit"."t"."c"`) by its relation
        # alone — or by its name alone where the query reads one relation (expressions.py)
        return str(RawStream()(as_stored(tree, keep=1 if _sources(tree) == 1 else 2)))
    except Exception:  # noqa: BLE001 - a tree pglast cannot print back: compared as written
        return sql


def _output_column(ref: Any, targets: Any) -> Any:
    """The target an ORDER BY item names as PostgreSQL resolves it: a bare name that is one output column's name
    (an output name comes before an input column's in ORDER BY), or a position; None otherwise."""
    from pglast import ast

    val: Any = getattr(ref, "val", None)
    if isinstance(ref, ast.A_Const) and isinstance(val, ast.Integer):
        n: int = val.ival or 0
        return targets[n - 1] if 0 < n <= len(targets) else None
    fields: Any = ref.fields if isinstance(ref, ast.ColumnRef) else ()
    if len(fields) != 1 or not isinstance(fields[0], ast.String):
        return None

    def name(t: Any) -> str | None:
        if t.name is not None:
            return str(t.name)
        cols: Any = t.val.fields if isinstance(t.val, ast.ColumnRef) else None
        last = cols[-1] if cols else None
        return last.sval if isinstance(last, ast.String) else None

    found = [t for t in targets if name(t) == fields[0].sval]
    return found[0] if len(found) == 1 else None


def _sorts_as_stored(tree: Any) -> None:
    """Each plain SELECT's ORDER BY as the server stores it: an output column's name or position is that column's
    expression (portabase's `ORDER BY total_bytes DESC` is printed `ORDER BY sum(b.file_size) DESC`), a GROUP BY
    position likewise, and the default ASC and NULLS LAST (NULLS FIRST after DESC) are not written."""
    import copy

    from pglast import ast
    from pglast.enums.parsenodes import SortByDir, SortByNulls
    from pglast.visitors import Visitor

    def resolved(ref: Any, targets: Any) -> Any:
        t = _output_column(ref, targets)
        val: Any = None if t is None else t.val
        cols: Any = val.fields if isinstance(val, ast.ColumnRef) else None
        if val is None or isinstance(val, ast.A_Const) or (cols and isinstance(cols[-1], ast.A_Star)):
            return ref
        return copy.deepcopy(val)

    class _V(Visitor):  # type: ignore[misc]
        def visit_SelectStmt(self, ancestors: Any, node: Any) -> None:
            targets = node.targetList
            if not targets:
                return
            if node.groupClause:
                node.groupClause = tuple(resolved(g, targets) if isinstance(g, ast.A_Const) else g
                                         for g in node.groupClause)
            for s in node.sortClause or ():
                s.node = resolved(s.node, targets)
                if s.sortby_dir == SortByDir.SORTBY_ASC:
                    s.sortby_dir = SortByDir.SORTBY_DEFAULT
                desc = s.sortby_dir == SortByDir.SORTBY_DESC
                if (s.sortby_nulls == SortByNulls.SORTBY_NULLS_LAST and s.sortby_dir == SortByDir.SORTBY_DEFAULT) \
                        or (s.sortby_nulls == SortByNulls.SORTBY_NULLS_FIRST and desc):
                    s.sortby_nulls = SortByNulls.SORTBY_NULLS_DEFAULT

    _V()(tree)


def _unqualify_single_sources(tree: Any) -> None:
    """In each SELECT reading one relation (no join), a column named by that relation (`"Project".id`,
    `tl."userId"` for `"TransactionLog" AS tl`) is named alone, as an unqualified name finds it there first: the
    server qualifies what the author may not have (webstudio's views). Not inside a nested SELECT, where the name
    is the outer row's."""
    from pglast import ast
    from pglast.visitors import Visitor

    class _V(Visitor):  # type: ignore[misc]
        def visit(self, ancestors: Any, node: Any) -> None:
            items: Any = node.fromClause if isinstance(node, ast.SelectStmt) else None
            if items and len(items) == 1 and isinstance(items[0], ast.RangeVar):
                rel: Any = items[0]
                _unqualify_level(node, str(rel.alias.aliasname if rel.alias else rel.relname))

    _V()(tree)


def _unqualify_level(select: Any, name: str) -> None:
    """`select`'s own column references (not a nested SELECT's) named `name`.col: `col`."""
    from pglast import ast

    def walk(node: Any) -> None:
        if isinstance(node, tuple):
            for n in node:
                walk(n)
            return
        if not isinstance(node, ast.Node) or isinstance(node, ast.SelectStmt):
            return
        if isinstance(node, ast.ColumnRef):
            f = node.fields or ()
            if len(f) == 2 and isinstance(f[0], ast.String) and f[0].sval == name and isinstance(f[1], ast.String):
                node.fields = (f[1],)
            return
        for attr in node:
            walk(getattr(node, attr))

    for attr in ("targetList", "whereClause", "groupClause", "havingClause", "sortClause"):
        walk(getattr(select, attr))


def _sources(tree: Any) -> int:
    """How many relations, subqueries and functions the query reads from (FROM items, at any depth)."""
    from pglast import ast
    from pglast.visitors import Visitor

    n = 0

    class _V(Visitor):  # type: ignore[misc]
        def visit(self, ancestors: Any, node: Any) -> None:
            nonlocal n
            if isinstance(node, (ast.RangeVar, ast.RangeSubselect, ast.RangeFunction, ast.RangeTableFunc)):
                n += 1

    _V()(tree)
    return n


def parses(sql: str) -> bool:
    return _parse(sql) is not None


def relations(sql: str, schema: str = "public") -> set[tuple[str, str]]:
    """(schema, name) of every table or view the query names (unqualified: in `schema`, and in public)."""
    rels = _relations(sql, schema)
    return set(rels) | {("public", r) for s, r in rels if s == schema}


def _targets(sql: str) -> list[tuple[str, str]] | None:
    """(output name, deparsed expression) of a plain SELECT's columns; None when they cannot be told
    (`*`, a set operation, a query that does not parse)."""
    from pglast import ast
    from pglast.stream import RawStream

    tree = _parse(sql)
    if tree is None or len(tree) != 1 or not isinstance(tree[0].stmt, ast.SelectStmt):
        return None
    stmt = tree[0].stmt
    if stmt.op != 0 or not stmt.targetList:  # SETOP_NONE
        return None
    out = []
    for t in stmt.targetList:
        val = t.val
        if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):  # type: ignore[index]
            return None
        name = t.name
        if name is None and isinstance(val, ast.ColumnRef):
            name = val.fields[-1].sval  # type: ignore[index]
        if name is None:
            return None
        out.append((name, RawStream()(val)))
    return out


def replaceable(old_sql: str, new_sql: str) -> bool:
    """Whether `CREATE OR REPLACE VIEW` can take the view from `old_sql` to `new_sql`: PostgreSQL accepts it
    when the old columns stay, in order, with the same names and types, and new ones come after. The same
    expressions keep their type; another expression may not, so only the same expressions are trusted."""
    old, new = _targets(old_sql), _targets(new_sql)
    if old is None or new is None or len(new) < len(old):
        return False
    return new[: len(old)] == old


def expand_stars(sql: str, schema: str, columns: Callable[[str, str], list[str] | None]) -> str:
    """`sql` with each `*` / `t.*` of its select list written as the columns it stands for, as PostgreSQL stores a
    view (it expands the star when the view is made): `columns(schema, name)` gives a table's columns, in order;
    and, where the SELECT reads several tables, each column it names alone named by the one table that has it, as
    the server prints it (webstudio's user_publish_count: `"userId"` of `"Build" LEFT JOIN "Project"` is stored
    `"Project"."userId"`). A query this cannot expand exactly (a star over a subquery or a function in FROM, a join
    USING or NATURAL, or a relation `columns` does not know; a set operation) is returned as it is."""
    from pglast import ast, parse_sql
    from pglast.enums import SetOperation
    from pglast.stream import RawStream

    try:
        tree = parse_sql(sql)
        stmt = tree[0].stmt if len(tree) == 1 else None
        if not isinstance(stmt, ast.SelectStmt) or stmt.op != SetOperation.SETOP_NONE or not stmt.targetList:
            return sql
        sources: list[tuple[str | None, list[str] | None]] = []
        _from_sources(stmt.fromClause or (), schema, columns, sources)
        targets: list[Any] = []
        for t in stmt.targetList:
            fields = t.val.fields if isinstance(t.val, ast.ColumnRef) else ()
            if not fields or not isinstance(fields[-1], ast.A_Star):
                targets.append(t)
                continue
            name = fields[-2].sval if len(fields) > 1 else None
            picked = [s for s in sources if name is None or s[0] == name]
            if not picked or (name is not None and len(picked) != 1) or any(c is None for _, c in picked):
                return sql
            targets.extend(ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval=ref), ast.String(sval=c))))
                           for ref, cols in picked for c in cols or ())
        starred = reads_every_column(sql)
        stmt.targetList = tuple(targets)
        if not _qualify_bare(stmt, sources) and not starred:
            return sql
        return str(RawStream()(stmt))
    except Exception:  # noqa: BLE001 - a query pglast cannot read or print back: as it is
        return sql


def _qualify_bare(stmt: Any, sources: list[tuple[str | None, list[str] | None]]) -> bool:
    """Each column `stmt` (not a nested SELECT) names alone, named by the one of its several FROM tables (`sources`,
    every one known) that has it: in the select list, the join conditions, WHERE, GROUP BY, HAVING, and ORDER BY
    where the name is no output column's (an output name comes first there). Whether any was."""
    from pglast import ast

    if len(sources) < 2 or any(ref is None or cols is None for ref, cols in sources):
        return False
    refs: list[Any] = [t.val.fields for t in stmt.targetList if isinstance(t.val, ast.ColumnRef)]
    outputs = {str(t.name) for t in stmt.targetList if t.name} | {
        str(f[-1].sval) for f in refs if isinstance(f[-1], ast.String)}
    done = False

    def walk(node: Any, in_sort: bool) -> None:
        nonlocal done
        if isinstance(node, tuple):
            for n in node:
                walk(n, in_sort)
            return
        if not isinstance(node, ast.Node) or isinstance(node, (ast.SelectStmt, ast.RangeSubselect)):
            return
        if isinstance(node, ast.ColumnRef):
            f = node.fields or ()
            owners = [ref for ref, cols in sources if len(f) == 1 and isinstance(f[0], ast.String)
                      and f[0].sval in (cols or ())]
            if len(owners) == 1 and not (in_sort and f[0].sval in outputs):
                node.fields = (ast.String(sval=owners[0]), f[0])
                done = True
            return
        for attr in node:
            walk(getattr(node, attr), in_sort)

    for attr in ("targetList", "fromClause", "whereClause", "groupClause", "havingClause"):
        walk(getattr(stmt, attr), False)
    walk(stmt.sortClause, True)
    return done


_MAKES_VIEW = re.compile(r"\bcreate\s+(?:or\s+replace\s+)?(?:temp\w*\s+)?(?:recursive\s+)?(?:materialized\s+)?view\b",
                         re.I)


@lru_cache(maxsize=64)
def views_made(sql: str) -> frozenset[tuple[str, str]]:
    """(schema, name) of each view a migration's SQL creates or replaces (CREATE [OR REPLACE] [MATERIALIZED] VIEW;
    unqualified: in public). A statement that does not parse is skipped (read statement by statement at
    drizzle-kit's breakpoints)."""
    from pglast import ast

    if not _MAKES_VIEW.search(sql):
        return frozenset()
    tree = _parse(sql)
    stmts = [raw.stmt for raw in tree] if tree is not None else [
        raw.stmt for part in sql.split("--> statement-breakpoint") for raw in _parse(part) or ()]
    found: set[tuple[str, str]] = set()
    for st in stmts:
        rel: Any = st.view if isinstance(st, ast.ViewStmt) else None
        if isinstance(st, ast.CreateTableAsStmt) and str(getattr(st.objtype, "name", st.objtype)) == "OBJECT_MATVIEW":
            rel = getattr(st.into, "rel", None)
        if rel is not None:
            found.add((str(rel.schemaname or "public"), str(rel.relname)))
    return frozenset(found)


def _from_sources(items: Any, schema: str, columns: Callable[[str, str], list[str] | None],
                  out: list[tuple[str | None, list[str] | None]]) -> None:
    """(the name a column is qualified by, its columns) of each relation a FROM list reads, in the order a `*`
    expands them, into `out`; the columns None where they are not a known table's, or a join merges them."""
    from pglast import ast

    for item in items:
        if isinstance(item, ast.JoinExpr) and item.alias is not None:
            out.append((str(item.alias.aliasname), None))  # `(a JOIN b) AS j`: its columns are j's alone
        elif isinstance(item, ast.JoinExpr):
            _from_sources((item.larg, item.rarg), schema, columns, out)
            if item.usingClause or item.isNatural:
                out.append((None, None))  # a bare `*` lists the merged columns once: not expanded
        elif isinstance(item, ast.RangeVar):
            rel = str(item.relname)
            cols = columns(str(item.schemaname), rel) if item.schemaname else (
                columns(schema, rel) or columns("public", rel))
            out.append((item.alias.aliasname if item.alias else rel, cols))
        else:
            out.append((getattr(getattr(item, "alias", None), "aliasname", None), None))
