"""Differences drizzle-kit's own SQL makes between a database and its snapshot (not hand edits): `verify` and
`drift` add a note for each where they report the difference."""

from __future__ import annotations

import re
from dataclasses import replace

from ..schema.model import Schema


def drizzle_kit_notes(expected: Schema, live: Schema, sql: str = "") -> list[str]:
    """The notes for `live` (the database) against `expected` (a snapshot's model); `sql`: the migration's, where
    one migration built `live` from the snapshot before (verify's step)."""
    return drizzle_kit_order_left_out(expected, live) + drizzle_kit_actions_left_out(expected, live) + \
        drizzle_kit_sorted_key(expected, live) + (
        drizzle_kit_key_drop_left_out(expected, live, sql) + drizzle_kit_identity_drop_keeps_not_null(expected, live, sql)
        + drizzle_kit_no_cycle_left_out(expected, live, sql) if sql else [])


def _ident(name: str) -> str:
    """`name` as a regex matching it quoted (`"name"`) or bare."""
    return f'(?:"{re.escape(name.replace(chr(34), chr(34) * 2))}"|{re.escape(name)})'


def drizzle_kit_identity_drop_keeps_not_null(expected: Schema, live: Schema, sql: str) -> list[str]:
    """The columns whose snapshot is nullable with no identity while the database keeps NOT NULL, where this
    migration's SQL drops the column's identity: drizzle-kit 0.31 writes `ALTER COLUMN … DROP IDENTITY` alone (an
    identity column is NOT NULL, and the SQL leaves that on; 1.x writes DROP NOT NULL too) — its own SQL, not a hand
    edit (drizzle-kit's own pg-identity tests)."""
    out = []
    for t, lt in expected.matched_tables(live):
        for c in t.columns:
            lc = lt.column(c.name)
            if lc is None or c.not_null or c.identity is not None or not lc.not_null or lc.identity is not None:
                continue
            drop = rf'(?is)ALTER\s+TABLE\s+(?:ONLY\s+)?(?:{_ident(t.schema)}\s*\.\s*)?{_ident(t.name)}\s+ALTER\s+' \
                   rf'(?:COLUMN\s+)?{_ident(c.name)}\s+DROP\s+IDENTITY\b'
            if re.search(drop, sql):
                out.append(f"column {t.name}.{c.name}: drizzle-kit's SQL drops its identity but leaves NOT NULL on (its "
                           "snapshot says nullable) — not a hand edit; to match the snapshot, ALTER COLUMN "
                           f'"{c.name}" DROP NOT NULL in a migration of your own')
    return out


def drizzle_kit_no_cycle_left_out(expected: Schema, live: Schema, sql: str) -> list[str]:
    """The sequences whose snapshot has no CYCLE while the database's cycles, where this migration's SQL alters the
    sequence without `NO CYCLE`: drizzle-kit (0.31 and 1.x) writes CYCLE when it turns on, nothing when it turns off
    — its own SQL, not a hand edit (drizzle-kit's own pg-sequences tests)."""
    out = []
    for sq in expected.sequences:
        ls = next((x for x in live.sequences if (x.schema, x.name) == (sq.schema, sq.name)), None)
        if ls is None or sq.cycle or not ls.cycle:
            continue
        alter = rf'(?is)ALTER\s+SEQUENCE\s+(?:{_ident(sq.schema)}\s*\.\s*)?{_ident(sq.name)}(?![\w$])([^;]*)'
        found = [m.group(1) for m in re.finditer(alter, sql)]
        if found and not any(re.search(r"(?i)\bNO\s+CYCLE\b", rest) for rest in found):
            out.append(f"sequence {sq.name}: drizzle-kit's ALTER SEQUENCE writes no NO CYCLE when cycling turns off "
                       "(its snapshot says no cycle) — not a hand edit; to match the snapshot, ALTER SEQUENCE "
                       f'"{sq.name}" NO CYCLE in a migration of your own')
    return out


def drizzle_kit_order_left_out(expected: Schema, live: Schema) -> list[str]:
    """The indexes whose snapshot orders a column with an operator class (DESC, NULLS FIRST / LAST) and whose
    database lacks that order, all else equal: drizzle-kit's SQL leaves the order out of such a column (it writes
    the operator class alone), so its own migration built the index this way — not a hand edit."""
    out = []
    for t, lt in expected.matched_tables(live):
        for ix in t.indexes:
            li = next((x for x in lt.indexes if x.name == ix.name), None)
            quirky = [c for c in ix.columns if c.opclass and (not c.asc or c.nulls != "last")]
            if li is None or not quirky or len(li.columns) != len(ix.columns):
                continue
            unordered = tuple(replace(c, asc=True, nulls="last") if c.opclass else c for c in ix.columns)
            if [(c.expression, c.asc, c.nulls) for c in li.columns] == \
                    [(c.expression, c.asc, c.nulls) for c in unordered]:
                out.append(f"index {ix.name} on {t.name}: drizzle-kit's SQL leaves DESC / NULLS FIRST out of an "
                           "index column with an operator class (its snapshot keeps them), so the database lacks "
                           "them; to have them, create the index again in a migration of your own")
    return out


_KEY_DROP_LEFT_OUT = re.compile(r'(?m)^--\s*ALTER TABLE "((?:[^"]|"")+)" DROP CONSTRAINT "<constraint_name>";')


def drizzle_kit_key_drop_left_out(expected: Schema, live: Schema, sql: str) -> list[str]:
    """The tables whose snapshot has no primary key while the database keeps one, where this migration's SQL holds
    drizzle-kit 0.x's commented-out `-- ALTER TABLE "t" DROP CONSTRAINT "<constraint_name>";` (it cannot name a key
    to drop, and says so in a comment above: inkeep/agents' runtime 0011) — its own SQL, not a hand edit."""
    out = []
    for m in _KEY_DROP_LEFT_OUT.finditer(sql):
        name = m.group(1).replace('""', '"')
        t = next((x for x in expected.tables if x.name == name), None)
        lt = live.table(t.schema, t.name) if t is not None else None
        if t is None or lt is None or t.primary_key is not None or lt.primary_key is None:
            continue
        pk = lt.primary_key
        real = pk.name or pk.server_name or f"{name}_pkey"
        out.append(f"primary key on {name}: drizzle-kit cannot name a key it drops, so its SQL leaves `ALTER TABLE "
                   f"\"{name}\" DROP CONSTRAINT \"<constraint_name>\"` commented out and the database keeps the key "
                   f"({real}) — not a hand edit; drop it in a migration of your own (DROP CONSTRAINT \"{real}\")")
    return out


def drizzle_kit_sorted_key(expected: Schema, live: Schema) -> list[str]:
    """The composite primary keys whose database lists the snapshot's columns in alphabetical order, all else equal:
    drizzle-kit 0.21 and before wrote a composite key's columns sorted, in its SQL and its snapshots, and later
    snapshots list them as declared with no SQL to reorder them (`Dialect.drizzle_kit_sorted_key_columns`: SQLite's;
    homarr's `boardUserPermission`) — not a hand edit. Names are not compared: SQLite keeps none for a key."""
    from .. import dialects

    if not dialects.get(expected.dialect).drizzle_kit_sorted_key_columns:
        return []
    out = []
    for t, lt in expected.matched_tables(live):
        pk, lpk = t.primary_key, lt.primary_key
        if pk is None or lpk is None or len(pk.columns) < 2 or list(pk.columns) == sorted(pk.columns):
            continue
        if lpk.deferrable == pk.deferrable and list(lpk.columns) == sorted(pk.columns):
            out.append(f"primary key on {t.name}: drizzle-kit 0.21 and before wrote a composite key's columns in "
                       f"alphabetical order ({', '.join(lpk.columns)}), and its later snapshots list them as declared "
                       f"({', '.join(pk.columns)}) with no SQL to reorder them — not a hand edit; to have the "
                       "declared order, rebuild the table in a migration of your own")
    return out


def drizzle_kit_actions_left_out(expected: Schema, live: Schema) -> list[str]:
    """The foreign keys whose snapshot has an ON DELETE / ON UPDATE action and whose database key has none, all else
    equal, where drizzle-kit's SQL leaves the actions out (`Dialect.drizzle_kit_drops_added_key_actions`: SQLite's
    `ALTER TABLE … ADD column … REFERENCES p(id)`, its snapshot keeping them) — not a hand edit."""
    from .. import dialects

    if not dialects.get(expected.dialect).drizzle_kit_drops_added_key_actions:
        return []
    out = []
    for t, lt in expected.matched_tables(live):
        for fk in t.foreign_keys:
            plain = replace(fk, on_delete="no action", on_update="no action")
            if plain == fk or fk in lt.foreign_keys or not any(replace(x, name=fk.name) == plain
                                                              for x in lt.foreign_keys):
                continue
            actions = " ".join(f"on {w} {a}" for w, a in (("delete", fk.on_delete), ("update", fk.on_update))
                               if a != "no action")
            out.append(f"foreign key on {t.name} ({', '.join(fk.columns)}): drizzle-kit's SQL adds a column's key "
                       f"without its actions ({actions}, which its snapshot keeps), so the database lacks them — not a "
                       "hand edit; to have them, rebuild the table in a migration of your own")
    return out
