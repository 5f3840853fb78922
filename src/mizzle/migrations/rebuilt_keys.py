"""Primary keys of a replayed database as drizzle-kit's snapshots state them (`check --rebuild-snapshots`).

A database cannot tell how a key was declared; two declarations leave a single-column key under a name other
than `<table>_pkey`, and drizzle-kit writes both as the column's `primaryKey: true`:
- a table renamed (`ALTER TABLE "user_temp" RENAME TO "user"`): PostgreSQL keeps `user_temp_pkey`;
- PRIMARY KEY and a named UNIQUE on the same column in one CREATE TABLE: PostgreSQL keeps one constraint, the
  key, under the unique constraint's name (drizzle-kit's snapshot has the key and the unique).
The replay knows both from what came before (the previous migration's model, the SQL run so far: a table made
and renamed in one migration, as a table remade by hand is, was never seen under its first name). The key
is then written in drizzle-kit's form and the server's name kept (`PrimaryKey.server_name`, in the sidecar),
so `generate` drops the constraint that exists. A key named any other way stays named (compositePrimaryKeys).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..schema.model import DEFAULT_SCHEMA, PrimaryKey, Schema, Table, UniqueConstraint
from ..schema.naming import implicit_pkey_name


def unnamed_key_names(s: Schema) -> dict[tuple[str, str], str]:
    """(schema, real constraint name) → table, for every key `s` states unnamed (drizzle-kit's column form)."""
    return {(t.schema, t.primary_key.server_name or f"{t.name}_pkey"): t.name
            for t in s.tables if t.primary_key is not None and t.primary_key.name is None}


def as_drizzle_keys(live: Schema, before: Schema | None, sql_so_far: Callable[[], str]) -> Schema:
    """`live` with each single-column key that drizzle-kit states unnamed (see the module) unnamed, its server
    name kept; `before`: the previous migration's model (already through this function), None for the first;
    `sql_so_far()`: the text of the migrations run so far (asked only when a key needs it)."""
    inherited = unnamed_key_names(before) if before is not None else {}
    tables: list[Table] = []
    changed = False
    for t in live.tables:
        pk = t.primary_key
        if pk is None or pk.name is None or len(pk.columns) != 1:
            tables.append(t)
            continue
        then, was = _earlier_name(t.schema, pk.name, inherited, sql_so_far)
        prev = before.table(t.schema, was) if before is not None and was is not None else None
        if (prev is not None and all(u.name != then for u in prev.uniques)) or (
                prev is None and pk.name.endswith("_pkey")  # speed: the SQL read only for a server-made name
                and pk.name in {implicit_pkey_name(n) for n in renamed_to(sql_so_far(), t.name)}):
            # unnamed before: the key of a table renamed (then or since; or made and renamed by the SQL so far)
            t = replace(t, primary_key=PrimaryKey(pk.columns, None, pk.deferrable, pk.name))
        elif all(u.name != pk.name for u in t.uniques) and (prev is not None or any(
                declares_unique(sql_so_far(), n) for n in {pk.name, *constraint_renamed_to(sql_so_far(), pk.name)})):
            t = replace(t, primary_key=PrimaryKey(pk.columns, None, pk.deferrable, pk.name),
                        uniques=(*t.uniques, UniqueConstraint(pk.name, pk.columns)))
        changed = changed or t.primary_key is not pk
        tables.append(t)
    if not changed:
        return live
    return live.with_(tables=tables)


def keys_named_by_sql(old: Schema, new: Schema, sql: Callable[[], str]) -> Schema:
    """`old` (the latest snapshot's model, for `generate`) with the server name of each primary key it states
    unnamed, `<table>_pkey`, where the schema code `new` names that key `<other>_pkey` and the folder's SQL (`sql()`,
    read only for such a key) never renamed a table `<other>` to this one. Without a name, `<other>_pkey` is taken
    as the unnamed key itself, kept by PostgreSQL through a table rename (drizzle-kit's `ALTER TABLE "session_temp"
    RENAME TO "session"`, then `pull` names the key `session_temp_pkey`); with none such, the code renames the key
    (Dify's trace_app_config: made with `trace_app_config_pkey`, its model names the key `tracing_app_config_pkey`),
    which `generate` writes instead of finding nothing while `drift` reports the name."""
    tables: list[Table] = []
    changed = False
    for t in old.tables:
        pk, code = t.primary_key, new.table(t.schema, t.name)
        named = code.primary_key.name if code is not None and code.primary_key is not None else None
        if pk is not None and pk.name is None and not pk.server_name and named is not None \
                and named.endswith("_pkey") and named != implicit_pkey_name(t.name) \
                and named not in {implicit_pkey_name(n) for n in renamed_to(sql(), t.name)}:
            t = replace(t, primary_key=replace(pk, server_name=implicit_pkey_name(t.name)))
            changed = True
        tables.append(t)
    return old.with_(tables=tables) if changed else old


def _earlier_name(schema: str, name: str, inherited: dict[tuple[str, str], str],
                  sql_so_far: Callable[[], str]) -> tuple[str, str | None]:
    """The name a key had one migration earlier, and the table `inherited` states it unnamed on (None: none):
    `name` itself, or a name the SQL so far renamed to it (`RENAME CONSTRAINT "catalogs_id_unique" TO
    "pricing_models_id_unique"`, drizzle-kit's SQL renaming a table's unique, which PostgreSQL kept as the key)."""
    if (schema, name) in inherited:
        return name, inherited[(schema, name)]
    if not inherited:
        return name, None
    for old in sorted(constraint_renamed_to(sql_so_far(), name)):
        if (schema, old) in inherited:
            return old, inherited[(schema, old)]
    return name, None


_CREATE_TABLE = re.compile(r'(?is)\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"((?:[^"]|"")+)"\.)?"((?:[^"]|"")+)"\s*\(')
_TABLE_UNIQUE = re.compile(r'(?is)CONSTRAINT\s+"((?:[^"]|"")+)"\s+UNIQUE\s*(NULLS\s+NOT\s+DISTINCT\s*)?\(([^)]*)\)')


def repeated_uniques(live: Schema, before: Schema | None, sql: str,
                     stored_name: Callable[[str], str] = lambda n: n) -> Schema:
    """`live` with each unique constraint that repeats its table's primary key or another unique constraint (the
    same columns) where the database lacks it: PostgreSQL's CREATE TABLE drops such a repeat without a word, and
    drizzle-kit's snapshot keeps it (midday's transaction_categories: PRIMARY KEY (team_id, slug) and UNIQUE
    "unique_team_slug" (team_id, slug)). Found in this migration's CREATE TABLE (`sql`) or in `before` (the
    previous migration's model, already through this function), while the columns it repeats are still a key.
    `stored_name`: a name as the database keeps it (the dialect's; PostgreSQL cuts it to 63 bytes) — the SQL's
    whole name of a unique constraint the server keeps cut is that constraint, not a repeat (lobe-chat: kept twice,
    and drizzle-kit's next generate dropped the real one)."""
    from ..schema.row_types import split_top_level

    found: dict[tuple[str, str], list[UniqueConstraint]] = {}
    creates = list(_CREATE_TABLE.finditer(sql))
    for k, m in enumerate(creates):
        key = ((m.group(1) or DEFAULT_SCHEMA).replace('""', '"'), m.group(2).replace('""', '"'))
        # the table's elements, up to the next CREATE TABLE: the last one runs on past the closing parenthesis,
        # so an element counts only where it starts as a unique constraint
        end = creates[k + 1].start() if k + 1 < len(creates) else len(sql)
        for element in split_top_level(sql[m.end():end]):
            if (u := _TABLE_UNIQUE.match(element)) is not None:
                cols = tuple(c.strip().strip('"').replace('""', '"') for c in u.group(3).split(","))
                found.setdefault(key, []).append(UniqueConstraint(u.group(1).replace('""', '"'), cols,
                                                                  nulls_not_distinct=bool(u.group(2))))
            elif (inline := _inline_unique(key[1], element)) is not None:
                found.setdefault(key, []).append(inline)
    tables, changed = [], False
    for t in live.tables:
        prev = before.table(*t.key) if before is not None else None
        candidates = [*found.get(t.key, ()), *(u for u in (prev.uniques if prev is not None else ())
                                               if not any(_drops(sql, n) or _renames(sql, n)
                                                          for n in (u.name, stored_name(u.name))))]
        keys = {tuple(u.columns) for u in t.uniques} | ({tuple(t.primary_key.columns)} if t.primary_key else set())
        names = {stored_name(n) for n in [*(n for u in t.uniques for n in (u.name, u.real_name)), *(
            (t.primary_key.name, t.primary_key.server_name) if t.primary_key else ())] if n}
        extra = [u for u in candidates if stored_name(u.name) not in names and tuple(u.columns) in keys]
        extra = list({u.name: u for u in extra}.values())
        if extra:
            t, changed = replace(t, uniques=(*t.uniques, *extra)), True
        tables.append(t)
    return live.with_(tables=tables) if changed else live


_COLUMN_ELEMENT = re.compile(r'(?s)\s*"((?:[^"]|"")+)"\s')
_LITERAL = re.compile(r"'(?:[^']|'')*'")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_INLINE_UNIQUE = re.compile(r'(?is)(?:\bCONSTRAINT\s+"((?:[^"]|"")+)"\s+)?\bUNIQUE\b(\s+NULLS\s+NOT\s+DISTINCT)?')


def _inline_unique(table: str, element: str) -> UniqueConstraint | None:
    """The unique constraint a column definition of CREATE TABLE declares (`"k" varchar(64) PRIMARY KEY UNIQUE`,
    drizzle-kit 1.x's spelling of a unique the code leaves unnamed), under its own name or PostgreSQL's default
    `<table>_<column>_key`; its literals and parenthesised parts (DEFAULT, CHECK) set aside."""
    from ..schema.naming import column_addition, make_object_name

    if (c := _COLUMN_ELEMENT.match(element)) is None:
        return None
    rest = _LITERAL.sub("''", element[c.end():])
    while (bare := _PARENTHESISED.sub("", rest)) != rest:
        rest = bare
    rest = rest.split(")", 1)[0]  # the table's closing parenthesis: the last element runs on past it
    if (u := _INLINE_UNIQUE.search(rest)) is None:
        return None
    column = c.group(1).replace('""', '"')
    name = u.group(1).replace('""', '"') if u.group(1) else make_object_name(table, column_addition((column,)), "key")
    return UniqueConstraint(name, (column,), nulls_not_distinct=bool(u.group(2)))


_AUTHORED_NAME = re.compile(r'(?is)\b(CONSTRAINT|INDEX(?:\s+CONCURRENTLY)?(?:\s+IF\s+NOT\s+EXISTS)?)\s+"((?:[^"]|"")+)"'
                            r'\s*(UNIQUE|PRIMARY|FOREIGN|CHECK|ON)?')
_PART = {"UNIQUE": "uniques", "PRIMARY": "primary_key", "FOREIGN": "foreign_keys", "CHECK": "checks", "ON": "indexes"}


def whole_names(live: Schema, before: Schema | None, sql: str, stored_name: Callable[[str], str]) -> Schema:
    """`live` with each constraint and index the server keeps under a cut name (PostgreSQL: 63 bytes) named as the
    SQL wrote it, whole: drizzle-kit 0.x's snapshot holds its default names whole (`<table>_<cols>_<ref>_fk`,
    `…_unique`, `…_index`), and with the cut name in the rebuilt snapshot its next generate dropped each such
    constraint and added it again (lobe-chat). The whole name is the one this migration's SQL (`sql`) gives, or the
    one `before` (the previous migration's model, already through this function) has on the same table; a cut name
    two whole names of one kind in this SQL share is left cut."""
    authored: dict[tuple[str, str], str | None] = {}  # (part, cut) → whole; None: two whole names
    for m in _AUTHORED_NAME.finditer(sql):
        name, part = m.group(2).replace('""', '"'), _PART.get((m.group(3) or "").upper())
        if part is not None and (cut := stored_name(name)) != name and (part == "indexes") == (m.group(1)[0] in "iI"):
            authored[(part, cut)] = name if authored.get((part, cut), name) == name else None
    kept: dict[tuple[Any, ...], str] = {}  # (schema, table, part, cut) → whole, from `before`
    for t in before.tables if before is not None else ():
        for part in ("uniques", "foreign_keys", "indexes", "checks", "primary_key"):
            for o in [t.primary_key] if part == "primary_key" else getattr(t, part):
                if o is not None and o.name and (cut := stored_name(o.name)) != o.name:
                    kept[(t.schema, t.name, part, cut)] = o.name
    if not authored and not kept:
        return live

    def whole(t: Table, part: str, name: str | None) -> str | None:
        return authored.get((part, name or "")) or kept.get((t.schema, t.name, part, name))

    tables, changed = [], False
    for t in live.tables:
        parts: dict[str, Any] = {}
        for part in ("uniques", "foreign_keys", "indexes", "checks"):
            objs = tuple(replace(o, name=w) if (w := whole(t, part, o.name)) else o for o in getattr(t, part))
            if any(a is not b for a, b in zip(objs, getattr(t, part), strict=True)):
                parts[part] = objs
        pk = t.primary_key
        if pk is not None and pk.name and (w := whole(t, "primary_key", pk.name)):
            parts["primary_key"] = replace(pk, name=w)
        if parts:
            t, changed = t.with_(**parts), True
        tables.append(t)
    return live.with_(tables=tables) if changed else live


_AUTHORED_POLICY = re.compile(r'(?is)\b(?:CREATE\s+POLICY|RENAME\s+TO)\s+"((?:[^"]|"")+)"')


def whole_policy_names(live: Schema, before: Schema | None, sql: str, stored_name: Callable[[str], str]) -> Schema:
    """`live` with each policy the server keeps under a cut name (PostgreSQL: 63 bytes) named as the SQL wrote it,
    whole (`CREATE POLICY "…"`, `ALTER POLICY … RENAME TO "…"` in this migration's `sql`, else the whole name
    `before` has on the same table), as drizzle-kit's snapshot names it in both layouts: with the cut name,
    drizzle-kit's next generate asked to rename or drop and create each such policy (midday's "Provider
    notification batches can be created by a member of the team"). A cut name two whole names share stays cut."""
    authored: dict[str, str | None] = {}
    for m in _AUTHORED_POLICY.finditer(sql):
        name = m.group(1).replace('""', '"')
        if (cut := stored_name(name)) != name:
            authored[cut] = name if authored.get(cut, name) == name else None
    kept = {(t.schema, t.name, stored_name(p.name)): p.name for t in (before.tables if before is not None else ())
            for p in t.policies if stored_name(p.name) != p.name}
    if not authored and not kept:
        return live
    tables, changed = [], False
    for t in live.tables:
        pols = tuple(replace(p, name=w) if (w := authored.get(p.name) or kept.get((t.schema, t.name, p.name)))
                     else p for p in t.policies)
        if any(a is not b for a, b in zip(pols, t.policies, strict=True)):
            t, changed = t.with_(policies=pols), True
        tables.append(t)
    return live.with_(tables=tables) if changed else live


def _drops(sql: str, name: str) -> bool:
    """Whether `sql` drops a constraint named `name` (`DROP CONSTRAINT [IF EXISTS] "name"`)."""
    quoted = '"' + re.escape(name.replace('"', '""')) + '"'
    return re.search(rf"\bDROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?{quoted}", sql, re.IGNORECASE) is not None


_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_RENAME_TABLE = re.compile(rf'(?is)\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:{_IDENT}\s*\.\s*)?({_IDENT})'
                           rf'\s+RENAME\s+TO\s+({_IDENT})')


def _ident(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def _renames(sql: str, name: str) -> bool:
    """Whether `sql` renames a constraint named `name` (`RENAME CONSTRAINT "name" TO …`): then it is no repeat."""
    return any(_ident(m.group(1)) == name for m in _RENAME_CONSTRAINT.finditer(sql))


def _renamed_chain(renames: re.Pattern[str], sql: str, name: str) -> set[str]:
    """Every name the statements `renames` matches in `sql` (old name, then new) rename to `name`, directly or
    through other names."""
    back: dict[str, set[str]] = {}
    for m in renames.finditer(sql):
        back.setdefault(_ident(m.group(2)), set()).add(_ident(m.group(1)))
    found: set[str] = set()
    todo = [name]
    while todo:
        for old in back.get(todo.pop(), set()) - found - {name}:
            found.add(old)
            todo.append(old)
    return found


def renamed_to(sql: str, table: str) -> set[str]:
    """Every name `sql` renames (`ALTER TABLE … RENAME TO`) to `table`, directly or through other names."""
    return _renamed_chain(_RENAME_TABLE, sql, table)


_RENAME_CONSTRAINT = re.compile(rf'(?is)\bRENAME\s+CONSTRAINT\s+({_IDENT})\s+TO\s+({_IDENT})')


def constraint_renamed_to(sql: str, name: str) -> set[str]:
    """Every name `sql` renames (`ALTER TABLE … RENAME CONSTRAINT`) to `name`, directly or through other names."""
    return _renamed_chain(_RENAME_CONSTRAINT, sql, name)


def declares_unique(sql: str, name: str) -> bool:
    """Whether `sql` declares a unique constraint named `name` (`CONSTRAINT "name" UNIQUE`)."""
    quoted = '"' + re.escape(name.replace('"', '""')) + '"'
    spelled = f"(?:{quoted}|{re.escape(name)}\\b)" if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else quoted
    return re.search(rf"\bCONSTRAINT\s+{spelled}\s+UNIQUE\b", sql, re.IGNORECASE) is not None


def assumed_key_names(changes: list[Any], migrations: Callable[[], list[Any]]) -> list[str]:
    """Warnings for the primary keys `changes` drop by the name drizzle-kit assumes (`<table>_pkey`, no server
    name known) on a table the folder's SQL renamed: PostgreSQL kept the key's old name, and the sidecar of a
    drizzle-kit folder has none until `check --rebuild-snapshots` (or a migration mizzle wrote) records it."""
    from ..schema.changes import SetPrimaryKey

    out = []
    for c in changes:
        if not isinstance(c, SetPrimaryKey) or c.old is None or c.old.name or c.old.server_name:
            continue
        renamed = re.compile(r'\bRENAME\s+TO\s+"?' + re.escape(c.table[1]) + r'"?\s*(;|$)', re.IGNORECASE | re.MULTILINE)
        tags = [m.tag for m in migrations() if renamed.search(m.text)]
        if tags:
            out.append(f"the primary key of {c.table[1]} is dropped as {c.table[1]}_pkey, but {tags[-1]} renamed the "
                       f"table to {c.table[1]} and PostgreSQL keeps a key's old name: if the migration fails, run "
                       "`mizzle check --rebuild-snapshots` (it records the real name) and generate again")
    return out


def kept_names(live: Schema, before: Schema | None) -> Schema:
    """drizzle-kit 1.x's layout: `live` with each unique constraint, foreign key and index that was unnamed one
    migration earlier (its name drizzle-kit 1.x's default there) and kept that name through a table rename named
    as the schema code names it now (the default on the renamed table), the server's name kept (`server_name`,
    written back as the row's name with `nameExplicit: false`, as drizzle-kit 1.x's own snapshot has it).
    `before`: the previous migration's model, already through this function."""
    from ..schema.naming import drizzle1_default_names

    if before is None:
        return live
    earlier: dict[tuple[str, str, str], tuple[Table, Any]] = {
        (t.schema, part, o.real_name): (t, o) for t in before.tables
        for part in ("uniques", "foreign_keys", "indexes") for o in getattr(t, part)}

    def named(t: Table, part: str, o: Any) -> Any:
        found = earlier.get((t.schema, part, o.name))
        if o.server_name or found is None:
            return o
        bt, p = found
        then, now = drizzle1_default_names(bt.name, p), drizzle1_default_names(t.name, o)
        if p.name not in then or o.name in now or len(then) != len(now):
            return o
        return replace(o, name=now[then.index(p.name)], server_name=o.name)

    tables = [t.with_(**{part: tuple(sorted((named(t, part, o) for o in getattr(t, part)), key=lambda x: x.name))
                         for part in ("uniques", "foreign_keys", "indexes")}) for t in live.tables]
    if tables == list(live.tables) and all(
            x.server_name == y.server_name for a, b in zip(tables, live.tables, strict=True)
            for part in ("uniques", "foreign_keys", "indexes") for x, y in zip(getattr(a, part), getattr(b, part),
                                                                                strict=True)):
        return live
    return live.with_(tables=tables)


_ENABLE_RLS = re.compile(rf'(?is)\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({_IDENT})(?:\s*\.\s*({_IDENT}))?'
                         r'\s+ENABLE\s+ROW\s+LEVEL\s+SECURITY\b')


def _rls_flag(t: Table | None) -> bool:
    """A table's drizzle-kit `isRLSEnabled` (`.enableRLS()`): as a rebuilt step recorded it, else on for a table
    whose row-level security is on without policies (the snapshot writer's own rule)."""
    if t is None:
        return False
    told = dict(t.extras).get("isRLSEnabled")
    return told == "true" if told is not None else t.rls and not t.policies


def rls_flags(live: Schema, before: Schema | None, sql: str) -> Schema:
    """`live` with drizzle-kit's `isRLSEnabled` on the tables that have policies (where the database cannot tell
    it: policies enable row-level security with `.enableRLS()` or without): kept from `before` (morphic's chats,
    `.enableRLS()` before its policies came), and turned on by this migration's `ENABLE ROW LEVEL SECURITY` on a
    table that had policies already (drizzle-kit writes that only when the flag turns on: morphic's 0008). A
    table given its first policies stays off (drizzle-kit's generate enables row-level security for them)."""
    enabled = {(_ident(m.group(1)) if m.group(2) else None, _ident(m.group(2) or m.group(1)))
               for m in _ENABLE_RLS.finditer(sql)}
    tables, changed = [], False
    for t in live.tables:
        if t.rls and t.policies:
            prev = before.table(t.schema, t.name) if before is not None else None
            on = prev is not None and (bool(prev.policies) and bool({(None, t.name), (t.schema, t.name)} & enabled)
                                       or _rls_flag(prev))
            extras = tuple(e for e in t.extras if e[0] != "isRLSEnabled") + ((("isRLSEnabled", "true"),) if on else ())
            if extras != t.extras:
                t, changed = t.with_(extras=tuple(sorted(extras))), True
        tables.append(t)
    return live.with_(tables=tables) if changed else live
