"""Index expressions of a rebuilt snapshot as the folder's kept snapshots spell them (`check --rebuild-snapshots`).

The rebuild takes an expression as the migration's SQL wrote it (`migrations/authored.py`), and drizzle-kit's
snapshot usually holds that very text. Not where the SQL was edited by hand: drizzle-kit 0.31 writes the
template `${t.a} || '-' || lower(${t.b})` as the element `USING btree ("a" || '-' || lower("b"))`, which PostgreSQL
rejects, so projects edit it to `(("a" || …))` (network-goods-institute/negation-game) — the SQL's element is then
`("a" || …)` and the snapshot's `"a" || …`, and drizzle-kit's next generate dropped and re-created the index from
a rebuilt snapshot holding the former. The SQL alone cannot tell that from an element drizzle-kit writes with its
parentheses and keeps them in its snapshot (the template `(${t.score} + 1)`: `("score" + 1)` in both). A snapshot
still in the folder can: where its index (same table, same name) spells an element as the rebuilt one but for one
pair of outer parentheses, and the dialect reads both as one expression, the rebuilt snapshot takes its spelling.

So with the keys a snapshot holds (`kept_keys`): older drizzle-kit versions wrote no `checkConstraints`, `policies` or
`isRLSEnabled` in a table and no `roles`, `policies` or `views` at the top (flowglad's first 70 snapshots), and a
rebuilt snapshot holding them all, empty, was churn in `git diff`; drizzle-kit 0.2x's SQLite snapshots hold no `views`
or `internal` and no `schemas` in `_meta` (Barbapapazes/orion's). An empty one the folder's kept snapshot lacks is
left out; one that holds something (a CHECK the SQL made, an expression index's `internal` entry) stays.

And with the column defaults a snapshot holds (`kept_defaults`): drizzle-kit writes `.default(0)` as the JSON number
0 and `.default(sql`0`)` as the string "0" (`true` and "true" alike), both `DEFAULT 0` in its SQL, and compares
the JSON: a snapshot mizzle wrote with the other one for an unchanged column (dyad-sh/dyad's `is_favorite` on five
tables) had drizzle-kit's next generate rebuild those tables (SQLite) or SET DEFAULT again (PostgreSQL). The model
holds the SQL text only, so the JSON of the folder's snapshot nearest it is kept where it says the same. So is a
column type's spelling: drizzle-kit writes `timestamp (3)` (drizzle-orm's mode "date", mizzle's spelling) or
`timestamp(3)` (mode "string", what `drizzle-kit pull` writes), one type; mizzle's generate wrote the former for
the 26 unchanged columns of databuddy-analytics/Databuddy's pulled snapshot, churn in git diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..schema.model import Schema
from .snapshots import default_from_json

# (schema, table, index) → each element's expression text (None: a plain column)
IndexTexts = dict[tuple[str, str, str], tuple[str | None, ...]]


def index_texts(s: Schema) -> IndexTexts:
    """The elements of every index of `s` with an expression: what a kept snapshot says of them."""
    return {(t.schema, t.name, i.name): tuple(c.expression if c.is_expression else None for c in i.columns)
            for t in s.tables for i in t.indexes if any(c.is_expression for c in i.columns)}


def _outer_pair(a: str, b: str) -> bool:
    """Whether `a` is `b` in one pair of parentheses, or `b` is `a` in one."""
    def wraps(x: str, y: str) -> bool:
        return x.startswith("(") and x.endswith(")") and x[1:-1].strip() == y.strip()
    return wraps(a, b) or wraps(b, a)


def kept_spellings(live: Schema, kept: IndexTexts, same: Callable[[str, str], bool]) -> Schema:
    """`live` with each index expression that a kept snapshot (`kept`: its `index_texts`) spells but for one pair of
    outer parentheses, spelled as there; `same(a, b)`: whether the dialect reads both texts as one expression (a
    pair that does not wrap the whole text is then no pair of outer parentheses)."""
    named = {(s, t) for s, t, _ in kept}
    if not named:
        return live
    tables, changed = [], False
    for t in live.tables:
        if (t.schema, t.name) not in named:
            tables.append(t)
            continue
        indexes = []
        for i in t.indexes:
            theirs = kept.get((t.schema, t.name, i.name))
            if theirs is not None and len(theirs) == len(i.columns):
                cols = tuple(replace(c, expression=k) if c.is_expression and k is not None and k != c.expression
                             and _outer_pair(k, c.expression) and same(k, c.expression) else c
                             for c, k in zip(i.columns, theirs, strict=True))
                if any(a is not b for a, b in zip(cols, i.columns, strict=True)):
                    i = replace(i, columns=cols)
            indexes.append(i)
        if any(a is not b for a, b in zip(indexes, t.indexes, strict=True)):
            t, changed = t.with_(indexes=tuple(indexes)), True
        tables.append(t)
    return live.with_(tables=tables) if changed else live


def _holds_nothing(v: Any) -> bool:
    """`{}`, `false`, or a dict of such (SQLite's `"internal": {"indexes": {}}`)."""
    return v is False or (isinstance(v, dict) and all(_holds_nothing(x) for x in v.values()))


def kept_keys(snap: dict[str, Any], like: dict[str, Any] | None) -> dict[str, Any]:
    """`snap`, a rebuilt snapshot, without the keys (at the top, in `_meta` and in each table) that hold nothing
    (`{}`, `false`, `{"indexes": {}}`) and that `like`, a snapshot kept in the folder (None: none is), lacks; a new
    dict where any goes (a rebuilt snapshot's tables are shared with the next one's, never changed in place)."""
    if like is None:
        return snap

    def trim(d: dict[str, Any], keys: set[str]) -> dict[str, Any]:
        drop = {k for k, v in d.items() if k not in keys and _holds_nothing(v)}
        return {k: v for k, v in d.items() if k not in drop} if drop else d

    out = trim(snap, set(like))
    theirs_meta, ours_meta = like.get("_meta"), out.get("_meta")
    if isinstance(theirs_meta, dict) and isinstance(ours_meta, dict):
        meta = trim(ours_meta, set(theirs_meta))  # drizzle-kit 0.2x's SQLite `_meta`: no `schemas`
        if meta is not ours_meta:
            out = {**out, "_meta": meta}
    theirs, ours = like.get("tables"), out.get("tables")
    if isinstance(theirs, dict) and theirs and isinstance(ours, dict):
        keys = set().union(*(t for t in theirs.values() if isinstance(t, dict)))
        tables = {n: trim(t, keys) if isinstance(t, dict) else t for n, t in ours.items()}
        if any(a is not b for a, b in zip(tables.values(), ours.values(), strict=True)):
            out = {**out, "tables": tables}
    return out


_SCALARS = (str, int, float, bool)


def _respelled(ours: Any, theirs: Any) -> bool:
    """Whether two JSON defaults are one SQL text in two JSON types (0 and "0", true and "true")."""
    return (type(ours) is not type(theirs) and isinstance(ours, _SCALARS) and isinstance(theirs, _SCALARS)
            and default_from_json(ours) == default_from_json(theirs))


def _respaced(ours: Any, theirs: Any) -> bool:
    """Whether two column types are one type spelled with and without a space before its modifier (`timestamp (3)`,
    drizzle-orm's mode "date", and `timestamp(3)`, its mode "string")."""
    return (isinstance(ours, str) and isinstance(theirs, str) and ours != theirs
            and re.sub(r"\s+\(", "(", ours) == re.sub(r"\s+\(", "(", theirs))


def _kept_column(c: Any, k: Any) -> Any:
    """Column `c` (the JSON written from the model) with the default's JSON and the type's spelling of `k` (the
    same column in the folder's snapshot) where they say the same; `c` itself when nothing is kept."""
    if not isinstance(c, dict) or not isinstance(k, dict):
        return c
    kept = {**({"default": k["default"]} if _respelled(c.get("default"), k.get("default")) else {}),
            **({"type": k["type"]} if _respaced(c.get("type"), k.get("type")) else {})}
    return {**c, **kept} if kept else c


def kept_defaults(snap: dict[str, Any], like: dict[str, Any] | None) -> dict[str, Any]:
    """`snap`, a snapshot written from the model (generate's, or a rebuilt one), with each column default that
    `like` (the folder's snapshot nearest it, in the journal layout's JSON) holds for the same column as the same SQL
    text in another JSON type, and each column type it spells otherwise with or without a space before the modifier
    (`timestamp(3)`), in `like`'s; a new dict where any goes (`snap`'s tables are shared, never changed in place)."""
    theirs, ours = (like or {}).get("tables"), snap.get("tables")
    if not isinstance(theirs, dict) or not theirs or not isinstance(ours, dict):
        return snap
    tables = dict(ours)
    for name, t in ours.items():
        k = theirs.get(name)
        cols, kcols = (t.get("columns"), k.get("columns")) if isinstance(t, dict) and isinstance(k, dict) else (0, 0)
        if not isinstance(cols, dict) or not isinstance(kcols, dict):
            continue
        kept = {n: _kept_column(c, kcols.get(n)) for n, c in cols.items()}
        if any(kept[n] is not c for n, c in cols.items()):
            tables[name] = {**t, "columns": kept}
    return {**snap, "tables": tables} if any(tables[n] is not ours[n] for n in ours) else snap


def kept_from_later(snap: dict[str, Any], like: dict[str, Any] | None, later: dict[str, Any] | None) -> dict[str, Any]:
    """`snap`, a rebuilt snapshot, with kept_defaults taken from `later` (the folder's kept snapshot nearest after it)
    for each column `like` (the one kept_defaults reads, nearest before it) does not hold: a column its migration
    adds, which drizzle-kit's later snapshots spell as drizzle-kit wrote it where the SQL was written by hand
    otherwise (matkassen's 0027 adds `timestamp(1) with time zone`, a column its later snapshots spell
    `timestamp (1) with time zone`)."""
    theirs, mine = (later or {}).get("tables"), (like or {}).get("tables")
    if not isinstance(theirs, dict):
        return snap
    only: dict[str, Any] = {}
    for name, t in theirs.items():
        k = mine.get(name) if isinstance(mine, dict) else None
        held: dict[str, Any] = k["columns"] if isinstance(k, dict) and isinstance(k.get("columns"), dict) else {}
        cols = t.get("columns") if isinstance(t, dict) else None
        new = {n: c for n, c in cols.items() if n not in held} if isinstance(cols, dict) else {}
        if new:
            only[name] = {"columns": new}
    return kept_defaults(snap, {"tables": only}) if only else snap


def kept_view_columns(snap: dict[str, Any], like: dict[str, Any] | None) -> dict[str, Any]:
    """`snap`, a rebuilt snapshot, with the `columns` drizzle-kit wrote for each view (its query builder's selected
    table columns, or the columns a `pgView(name, {…})` declares: nothing the database keeps) taken from `like`, the
    folder's snapshot nearest it, where that holds the same view with the same query; a new dict where any goes."""
    theirs, ours = (like or {}).get("views"), snap.get("views")
    if not isinstance(theirs, dict) or not isinstance(ours, dict):
        return snap
    views = {k: {**v, "columns": theirs[k]["columns"]} if isinstance(v, dict) and not v.get("columns")
             and isinstance(theirs.get(k), dict) and theirs[k].get("columns")
             and theirs[k].get("definition") == v.get("definition") else v for k, v in ours.items()}
    return {**snap, "views": views} if any(views[k] is not ours[k] for k in ours) else snap
