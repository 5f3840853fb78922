"""diff(old, new, renames) → ChangeSet: a pure function from two schema models to ordered changes.

Renames are decided first, level by level (schemas, enums, tables, columns); the old model is then
rewritten under those names, so the rest of the diff matches everything by key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from ..errors import AmbiguousRename, SchemaLoadError

if TYPE_CHECKING:
    from ..dialects.base import SqlReader
from .changes import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddUnique,
    AlterColumn,
    AlterSequence,
    Change,
    ChangeSet,
    CreateEnum,
    CreateIndex,
    CreateSchema,
    CreateSequence,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropSchema,
    DropSequence,
    DropTable,
    DropUnique,
    RecreateEnum,
    RenameColumn,
    RenameConstraint,
    RenameEnum,
    RenameSchema,
    RenameSequence,
    RenameTable,
    SetPrimaryKey,
    SetTableComment,
    TableKey,
)
from .comments import comments_step
from .diff_objects import ObjectPhases, diff_objects
from .diff_security import security_step
from .lineage import diff_lineage, generated_by_parents, renamed_parents
from .model import DEFAULT_SCHEMA, Column, Enum, ForeignKey, Index, Schema, Table, where_key
from .naming import implicit_pkey_name, may_be_unnamed_key, mentions, serial_sequence_name
from .object_changes import DropObject
from .objects import Routine
from .order import fk_target, order, removes
from .retype import rebuild_over_new_expressions, regenerate_over_retyped, same_type
from .table_features import (
    AddExclusion,
    DropExclusion,
    exclusion_equal,
    feature_changes,
    rename_in_exclusions,
    same_check,
    same_foreign_key,
    same_sequence_options,
    sequence_owner_changes,
)

# (kind, container description, dropped names, added names) → {old: new}
Prompt = Callable[[str, str, list[str], list[str]], dict[str, str]]


@dataclass
class Renames:
    """How drop+add pairs are told apart from renames: --rename flags, info={"mizzle": {"renamed_from"}}
    declared in the schema code, an interactive prompt, or --no-renames."""

    explicit: dict[str, str] = field(default_factory=dict)  # "old spelling" → "new spelling"
    declared: dict[tuple[str, ...], str] = field(default_factory=dict)  # (kind, *container, new) → old
    prompt: Prompt | None = None
    none: bool = False  # --no-renames: every drop+add is a drop and an add
    unresolved: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # the `explicit` renames applied

    def not_applied(self) -> list[str]:
        """A line for each --rename that matched no rename: a flag ignored without a word left the rows where the
        user did not expect them (concourse's `build_id` retyped in place, `build_id_old` added empty)."""
        return [f"--rename {o}={n} not applied: {o} is not a table, column or sequence of the previous schema, or {n} not one "
                "the schema code adds; write that change by hand (`mizzle generate --custom`) if the rows must move"
                for o, n in self.explicit.items() if o not in self.used]

    def resolve(self, kind: str, container: tuple[str, ...], dropped: list[str], added: list[str],
                spell: Callable[[str], str]) -> dict[str, str]:
        result: dict[str, str] = {}
        dropped, added = sorted(dropped), sorted(added)
        for new in list(added):
            old = self.declared.get((kind, *container, new))
            if old in dropped:
                if old in result:  # two declare it: one would be renamed and the other added, without a word
                    raise SchemaLoadError(f"{kind}s {spell(result[old])} and {spell(new)} both declare "
                                          f"renamed_from {old!r}", "keep renamed_from on the one that takes its rows")
                result[old] = new
        for old_s, new_s in self.explicit.items():
            for old in dropped:
                for new in added:
                    if spell(old) == old_s and spell(new) == new_s and old not in result and new not in result.values():
                        result[old] = new
                        self.used.add(old_s)
        rest_d = [d for d in dropped if d not in result]
        rest_a = [a for a in added if a not in result.values()]
        if rest_d and rest_a and not self.none:
            if self.prompt is not None:
                answered = self.prompt(kind, spell("") if kind == "column" else ".".join(container), rest_d, rest_a)
                result.update(answered)
            else:
                for a in rest_a:
                    for d in rest_d:
                        self.unresolved.append(f"--rename {spell(d)}={spell(a)}")
        return result


@dataclass
class Phases:
    """The changes of one diff, by phase. `order` runs them phase by phase, then by what each change needs (a
    foreign key after the unique index it references, …)."""

    early: list[Change] = field(default_factory=list)  # schemas, enums, sequences, renames
    enum_values: list[Change] = field(default_factory=list)
    drops_fk: list[Change] = field(default_factory=list)
    drops_idx: list[Change] = field(default_factory=list)
    drops_con: list[Change] = field(default_factory=list)
    drop_tables: list[Change] = field(default_factory=list)
    drop_columns: list[Change] = field(default_factory=list)
    enum_rebuilds: list[Change] = field(default_factory=list)
    creates: list[Change] = field(default_factory=list)
    columns: list[Change] = field(default_factory=list)
    cons: list[Change] = field(default_factory=list)
    fks: list[Change] = field(default_factory=list)
    idx: list[Change] = field(default_factory=list)
    security: list[Change] = field(default_factory=list)  # RLS, policies, grants: after the objects they name
    late_enums: list[Change] = field(default_factory=list)
    late_seqs: list[Change] = field(default_factory=list)
    late_schemas: list[Change] = field(default_factory=list)
    # views, functions, triggers, domains, composite types: see schema/diff_objects.py
    objects: ObjectPhases = field(default_factory=ObjectPhases)

    def in_order(self) -> list[Change]:
        obj = self.objects
        return [*obj.first, *self.early, *obj.before_tables, *self.enum_values, *self.drops_fk, *self.drops_idx,
                *self.drops_con, *self.drop_tables, *self.drop_columns, *self.enum_rebuilds, *self.creates,
                *self.columns, *self.cons, *self.fks, *self.idx, *obj.after_tables, *self.security, *obj.last, *self.late_enums,
                *self.late_seqs, *self.late_schemas]


@dataclass
class DiffState:
    """What the steps of one diff share. Renames rewrite `old` under the new names as they are decided, so each
    later step matches by key."""

    old: Schema
    new: Schema
    renames: Renames
    cs: ChangeSet = field(default_factory=ChangeSet)
    ph: Phases = field(default_factory=Phases)
    # columns whose serial sequence passes to (or from) an explicit Sequence of the same name
    handover: set[tuple[TableKey, str]] = field(default_factory=set)
    original: Schema = field(init=False)  # `old` before any rename rewrote it
    reader: SqlReader = field(init=False)  # how the dialect compares expressions and defaults
    carried: Carried | None = None  # see Carried
    # the diff plans a migration (generate, push, revert): what the server cannot run is refused (UsageError);
    # False (verify, drift: schema/compare.py) only describes the differences
    plan: bool = True

    def __post_init__(self) -> None:
        from .. import dialects

        self.original = self.old
        self.reader = dialects.get(self.new.dialect).reader


@dataclass
class Carried:
    """Speed (verify, schema/compare.py's RepeatMemo): tables left out of both models whose changes are known from
    the previous comparison of the same two tables — each table's additions to the phases (`appends`), made again
    in their place among the tables diffed (`order`: every table key of the whole new model, in its order), so the
    changes come out as a diff of the whole models orders them. `recorded`: filled with each table's additions
    (those carried too), for the next comparison; a table with a generated column is not recorded (its diff moves
    changes already in the phases: regenerate_over_retyped)."""

    order: list[TableKey]
    appends: dict[TableKey, list[tuple[str, Change]]]
    recorded: dict[TableKey, list[tuple[str, Change]]] = field(default_factory=dict)


_PHASE_LISTS = tuple(f for f in Phases.__dataclass_fields__ if f != "objects")


def diff(old: Schema, new: Schema, renames: Renames | None = None, carried: Carried | None = None, *,
         plan: bool = True) -> ChangeSet:
    # a rename found rewrites `old` as it goes, which no replay of a table's additions would: carried tables only
    # where none is looked for
    assert carried is None or (renames is not None and renames.none), "Carried needs Renames(none=True)"
    st = DiffState(old, new, renames or Renames(), carried=carried, plan=plan)
    for step in STEPS:
        step(st)
    _raise_unresolved(st.renames)
    st.cs.changes = order(st.ph.in_order())
    from .. import dialects

    # what the dialect cannot ALTER becomes something it can (SQLite: a table rebuild)
    st.cs.changes = dialects.get(new.dialect).rewrite_changes(st.cs.changes, st.old, new)
    return st.cs


def _diff_schemas(st: DiffState) -> None:
    dropped = [s for s in st.old.schemas if s not in st.new.schemas]
    added = [s for s in st.new.schemas if s not in st.old.schemas]
    for o, n in st.renames.resolve("schema", (), dropped, added, lambda n: n).items():
        st.ph.early.append(RenameSchema(o, n))
        st.cs.renamed_schemas[o] = n
        st.old = _rename_schema(st.old, o, n)
    st.ph.early.extend(CreateSchema(s) for s in st.new.schemas if s not in st.old.schemas)
    st.ph.late_schemas.extend(DropSchema(s) for s in st.old.schemas if s not in st.new.schemas)


def _rename_enums(st: DiffState) -> None:
    old, new = st.old, st.new
    for schema_name in sorted({e.schema for e in old.enums} | {e.schema for e in new.enums}):
        od = [e.name for e in old.enums if e.schema == schema_name and new.enum(schema_name, e.name) is None]
        ad = [e.name for e in new.enums if e.schema == schema_name and old.enum(schema_name, e.name) is None]
        for o, n in st.renames.resolve("enum", (schema_name,), od, ad, partial(_spell_q, schema_name)).items():
            st.ph.early.append(RenameEnum(schema_name, o, n))
            st.old = _rename_enum(st.old, schema_name, o, n)


def _diff_enums(st: DiffState) -> None:
    """New values are added in place where the old ones keep their order; otherwise the type is rebuilt (once
    the tables and columns dropped are gone: see `_finish_enum_rebuilds`)."""
    for e in st.new.enums:
        prev_e = st.old.enum(e.schema, e.name)
        if prev_e is None:
            st.ph.early.append(CreateEnum(e))
        elif prev_e.values != e.values:
            if _is_subsequence(prev_e.values, e.values):
                st.ph.enum_values.extend(_added_enum_values(prev_e, e))
            else:
                st.ph.enum_rebuilds.append(RecreateEnum(prev_e, e))
    st.ph.late_enums.extend(DropEnum(e) for e in st.old.enums if st.new.enum(e.schema, e.name) is None)


def _added_enum_values(prev_e: Enum, e: Enum) -> list[Change]:
    out: list[Change] = []
    current = list(prev_e.values)
    for i, v in enumerate(e.values):
        if v in current:
            continue
        nxt = next((x for x in e.values[i + 1:] if x in current), None)
        after = None if nxt else (current[-1] if current else None)
        out.append(AddEnumValue(e, v, before=nxt, after=after))
        current.insert(current.index(nxt) if nxt else len(current), v)
    return out


def _diff_sequences(st: DiffState) -> None:
    """A sequence named as a serial column's own, `<table>_<column>_seq`, passes between that column and an
    explicit Sequence instead of being created next to it (the name is taken) or dropped under it."""
    old_seqs = {s.key: s for s in st.old.sequences}
    new_seqs = {s.key: s for s in st.new.sequences}
    old_serial, new_serial = _serial_sequences(st.old), _serial_sequences(st.new)
    for k, s in new_seqs.items():
        if k not in old_seqs:
            taken = old_serial.get(k)
            if taken is not None and k not in new_serial:
                st.handover.add(taken)
            st.ph.early.append(CreateSequence(s, from_serial=taken is not None and k not in new_serial))
        elif not same_sequence_options(old_seqs[k], s):
            st.ph.early.append(AlterSequence(old_seqs[k], s))
    for k, s in old_seqs.items():
        if k not in new_seqs:
            given = new_serial.get(k)
            if given is not None and k not in old_serial:
                st.handover.add(given)
            st.ph.late_seqs.append(DropSequence(s, to_serial=given is not None and k not in old_serial))


def _diff_sequence_owners(st: DiffState) -> None:
    """OWNED BY: released early (before the table or column that owned the sequence goes), set late (once the
    column exists). See table_features.sequence_owner_changes."""
    early, late = sequence_owner_changes(st.old, st.new, st.cs)
    st.ph.early.extend(early)
    st.ph.fks.extend(late)


def _rename_tables(st: DiffState) -> None:
    old, new = st.old, st.new
    for schema_name in sorted({t.schema for t in old.tables} | {t.schema for t in new.tables}):
        od = [t.name for t in old.tables if t.schema == schema_name and new.table(schema_name, t.name) is None]
        ad = [t.name for t in new.tables if t.schema == schema_name and old.table(schema_name, t.name) is None]
        kept = [t.name for t in old.tables if t.schema == schema_name and new.table(schema_name, t.name) is not None]
        od += _reused_names(st.renames, "table", (schema_name,), kept, ad, partial(_spell_q, schema_name))
        for o, n in st.renames.resolve("table", (schema_name,), od, ad, partial(_spell_q, schema_name)).items():
            ot = st.old.table(schema_name, o)
            assert ot is not None
            implicit_pk = _implicit_pk(ot, st.new.table(schema_name, n))
            serials = tuple(c.name for c in ot.columns if c.is_serial)
            st.ph.early.append(RenameTable((schema_name, o), (schema_name, n), implicit_pk, serials))
            st.cs.renamed_tables[f"{schema_name}.{o}"] = f"{schema_name}.{n}"
            st.old = _rename_table(st.old, schema_name, o, n, implicit_pk)


def _sequence_pairs(st: DiffState) -> tuple[dict[tuple[str, str], CreateSequence], list[DropSequence]]:
    """The sequences the diff makes and those it drops (a serial's own, an owned one aside)."""
    made = {c.sequence.key: c for c in st.ph.early
            if isinstance(c, CreateSequence) and not c.from_serial and c.sequence.owned_by is None}
    drops = [c for c in st.ph.late_seqs
             if isinstance(c, DropSequence) and not c.to_serial and c.sequence.owned_by is None]
    return made, drops


def _rename_sequence(st: DiffState, drop: DropSequence, create: CreateSequence) -> None:
    """`drop`'s sequence renamed to `create`'s (its options then altered where they differ)."""
    old, new = drop.sequence, create.sequence
    at = st.ph.early.index(create)
    st.ph.early[at:at + 1] = [RenameSequence(old.schema, old.name, new.name)] + (
        [] if same_sequence_options(replace(old, name=new.name), new) else [AlterSequence(replace(old, name=new.name), new)])
    st.ph.late_seqs.remove(drop)
    st.old = st.old.with_(sequences=[replace(old, name=new.name) if q.key == old.key else q for q in st.old.sequences])


def _rename_sequences(st: DiffState) -> None:
    """A sequence dropped while another is made in its schema may be a rename: dropped and made again, it would
    start over, under the rows it numbered. One named after a renamed table (`post_id_seq` of `post`: advanced-
    alchemy's BigIntBase declares `Sequence(f"{__tablename__}_id_seq")`) whose new name the code gives with the same
    options is renamed with it; the other pairs are resolved as tables are (--rename, prompt, or exit 2)."""
    made, drops = _sequence_pairs(st)
    if not made or not drops:
        return
    for r in [c for c in st.ph.early if isinstance(c, RenameTable)]:
        (schema, o), n = r.old, r.new[1]
        for drop in [d for d in drops if d.sequence.schema == schema and d.sequence.name.startswith(o)]:
            create = made.get((schema, n + drop.sequence.name[len(o):]))
            if create is not None and same_sequence_options(replace(drop.sequence, name=create.sequence.name),
                                                            create.sequence):
                _rename_sequence(st, drop, create)
                drops.remove(drop)
                del made[create.sequence.key]  # one sequence becomes it
    for schema in sorted({d.sequence.schema for d in drops}):
        by_name = {d.sequence.name: d for d in drops if d.sequence.schema == schema}
        added = [k[1] for k in made if k[0] == schema]
        for o, n in st.renames.resolve("sequence", (schema,), sorted(by_name), added,
                                       partial(_spell_q, schema)).items():
            _rename_sequence(st, by_name[o], made[(schema, n)])


def _reused_names(renames: Renames, kind: str, container: tuple[str, ...], kept: list[str], added: list[str],
                  spell: Callable[[str], str]) -> list[str]:
    """Of the names `kept` (on both sides), those renamed (--rename, or `renamed_from` on an added one) to one of
    `added`: the schema code gives the old name to a new table or column (`--rename users=accounts` beside a new
    `users`; concourse's `build_id` renamed to `build_id_old` and made again as a bigint). Such a name is no drop,
    so without this the rename was not applied and the new object was compared with the old one."""
    if not added or not (renames.explicit or renames.declared):  # speed: verify diffs ~200 steps, none renaming
        return []
    sources = {renames.declared.get((kind, *container, n)) for n in added}
    targets = {spell(a) for a in added}
    sources |= {o for o, n in renames.explicit.items() if n in targets}
    return [k for k in kept if k in sources or spell(k) in sources]


def _implicit_pk(old: Table, new: Table | None) -> bool:
    """Whether the key's name follows the table's (renamed along with it): unnamed, or a composite key named
    `<old>_pkey` that the code calls `<new>_pkey`. A key that kept another name (`<older>_pkey`) keeps it."""
    pk = old.primary_key
    if pk is None or pk.server_name:
        return False
    new_pk = new.primary_key if new is not None else None
    return pk.name is None or (pk.name == implicit_pkey_name(old.name) and new is not None and new_pk is not None
                               and new_pk.name == implicit_pkey_name(new.name))


def _diff_tables(st: DiffState) -> None:
    if st.carried is not None:
        _diff_tables_carried(st, st.carried)
        return
    for t in st.new.tables:
        _diff_one_table(st, t)


def _diff_tables_carried(st: DiffState, carried: Carried) -> None:
    """`_diff_tables` with the tables `carried` left out making their known changes again, in their place."""
    for key in carried.order:
        known = carried.appends.get(key)
        if known is not None:
            for phase, c in known:
                getattr(st.ph, phase).append(c)
            carried.recorded[key] = known
            continue
        t = st.new.table(*key)
        if t is None:
            continue
        prev = st.old.table(*key)
        if prev is None or any(c.generated for c in (*prev.columns, *t.columns)):
            _diff_one_table(st, t)
            continue
        before = [len(getattr(st.ph, f)) for f in _PHASE_LISTS]
        _diff_one_table(st, t)
        made = [(f, c) for f, n in zip(_PHASE_LISTS, before, strict=True) for c in getattr(st.ph, f)[n:]]
        if made:
            carried.recorded[key] = made
    seen = set(carried.order)
    for t in st.new.tables:  # none: the order names every table of the new side
        if t.key not in seen:
            _diff_one_table(st, t)


def _diff_one_table(st: DiffState, t: Table) -> None:
    prev = st.old.table(t.schema, t.name)
    if prev is None:
        # a partitioned table's NOT VALID checks follow its partitions, which then hold NOT VALID copies as
        # pg_dump's order makes them (added first, PostgreSQL validates each partition's copy)
        late = tuple(c for c in t.checks if c.not_valid) if t.partition_by else ()
        checks = tuple(c for c in t.checks if c not in late)
        st.ph.creates.append(CreateTable(replace(t, foreign_keys=(), indexes=(), checks=checks),
                                         generated_by_parents(st.new, t)))
        st.ph.cons.extend(AddCheck(t.key, c) for c in late)
        st.ph.fks.extend(AddForeignKey(t.key, f) for f in t.foreign_keys)
        st.ph.idx.extend(CreateIndex(t.key, i) for i in t.indexes)
        return
    if prev is t:  # the very same table (compare's RepeatMemo): nothing to rename or diff
        return
    prev = _rename_columns(st, prev, t)
    if prev != t:  # most tables of a large schema are unchanged: equal models differ in nothing below
        _diff_table(prev, t, st.ph, st.reader, st.handover)
        _unkeyed_partition_columns(st, prev, t)


def _unkeyed_partition_columns(st: DiffState, prev: Table, t: Table) -> None:
    """A partition's own primary key (its columns are its parent's) made its columns NOT NULL; dropping it leaves
    them so, though the parent has them nullable (pg-schema-diff's partition "Switch primary key"): DROP NOT NULL
    for the columns that leave the key, after it is dropped."""
    if prev.primary_key is None or t.partition_of is None or prev.partition_of != t.partition_of:
        return
    kept = t.primary_key.columns if t.primary_key is not None else ()
    for name in (c for c in prev.primary_key.columns if c not in kept):
        col = _parent_column(st.new, t, name)
        if col is not None and not col.not_null:
            st.ph.columns.append(AlterColumn(t.key, replace(col, not_null=True), col))


def _parent_column(schema: Schema, t: Table, name: str) -> Column | None:
    """Column `name` of the table up `t`'s partition chain that declares it."""
    seen: set[TableKey] = set()
    at: Table | None = t
    while at is not None and at.key not in seen:
        seen.add(at.key)
        col = at.column(name)
        if col is not None or at.partition_of is None:
            return col
        at = schema.table(*at.partition_of)
    return None


def _rename_columns(st: DiffState, prev: Table, t: Table) -> Table:
    od = [c.name for c in prev.columns if t.column(c.name) is None]
    ad = [c.name for c in t.columns if prev.column(c.name) is None]
    kept = [c.name for c in prev.columns if t.column(c.name) is not None]
    od += _reused_names(st.renames, "column", t.key, kept, ad, partial(_spell_col, t.key))
    for o, n in st.renames.resolve("column", t.key, od, ad, partial(_spell_col, t.key)).items():
        oc = prev.column(o)
        st.ph.early.append(RenameColumn(t.key, o, n, serial=bool(oc and oc.is_serial)))
        st.cs.renamed_columns[f"{t.schema}.{t.name}.{o}"] = f"{t.schema}.{t.name}.{n}"
        prev = rename_column_in_table(prev, o, n)
        st.old = _replace_table(st.old, prev)
        st.old = _rename_fk_refs(st.old, t.key, o, n)
        prev = st.old.table(t.schema, t.name) or prev
    return prev


def _drop_tables(st: DiffState) -> None:
    for t in st.old.tables:
        if st.new.table(t.schema, t.name) is None:
            st.ph.drops_fk.extend(DropForeignKey(t.key, f) for f in t.foreign_keys)
            st.ph.drop_tables.append(DropTable(t))
    _recreate_dependent_fks(st.old, st.new, st.ph)
    st.ph.drop_columns.extend(c for c in st.ph.columns if isinstance(c, DropColumn))
    st.ph.columns[:] = [c for c in st.ph.columns if not isinstance(c, DropColumn)]


def _finish_enum_rebuilds(st: DiffState) -> None:
    """An enum is rebuilt once dropped tables and columns are gone and before anything uses its new values: the
    columns converted are those that use it before and after. The rebuild converts its columns to text and
    back: a check on them that stays would be checked again in the form PostgreSQL stored (`(c)::text` of a
    text column is `c`), so it is dropped before and added after."""
    old, new, ph = st.old, st.new, st.ph
    rebuilds = [replace(r, usages=_enum_usages(old, new, r.new)) for r in ph.enum_rebuilds
                if isinstance(r, RecreateEnum)]
    converted = {(k, col.name) for r in rebuilds for k, col in r.usages}
    # a stored generated column over a converted column: PostgreSQL refuses the conversion while it is there
    # ("cannot alter type of a column used by a generated column"), so it is dropped before and added after
    # (see schema/retype.py); a generated column of the enum's type is then added with the new type, not converted
    regenerated: set[tuple[TableKey, str]] = set()
    for key in sorted({k for k, _ in converted}):
        prev_t, t_new = old.table(*key), new.table(*key)
        if prev_t is not None and t_new is not None and any(c.generated for c in prev_t.columns):
            names = {n for k, n in converted if k == key}
            regenerated |= {(key, n) for n in regenerate_over_retyped(prev_t, t_new, ph, converted=names)}
    if regenerated:
        rebuilds = [replace(r, usages=tuple(u for u in r.usages if (u[0], u[1].name) not in regenerated))
                    for r in rebuilds]
        converted -= regenerated
    ph.enum_rebuilds[:] = rebuilds
    for t in new.tables:
        prev_t = old.table(t.schema, t.name)
        columns = sorted(n for k, n in converted if k == t.key)
        if prev_t is not None and columns:
            _redo_over_retyped(prev_t, t, ph, st.reader, columns)


def _enum_value_usages(st: DiffState) -> None:
    """Each added enum value knows the columns using its type: its inverse (a rebuild) converts them."""
    st.ph.enum_values[:] = [replace(v, usages=_enum_usages(st.old, st.new, v.enum)) if isinstance(v, AddEnumValue)
                            else v for v in st.ph.enum_values]


def _raise_unresolved(renames: Renames) -> None:
    if renames.unresolved:
        flags = sorted(set(renames.unresolved))
        raise AmbiguousRename(
            "ambiguous change: these may be renames or drop+add pairs, and there is no terminal to ask",
            "Pass the renames you mean, at most one for each old name (or --no-renames if none are renames):\n  " + "\n  ".join(flags))


def _diff_objects(st: DiffState) -> None:
    """Views, functions, triggers, domains, composite types (schema/diff_objects.py), against the tables'
    changes (a view over a column they drop or retype is made again)."""
    ph = st.ph
    st.ph.objects = diff_objects(st.original, st.new, [*ph.early, *ph.drop_tables, *ph.drop_columns, *ph.columns,
                                                       *ph.enum_rebuilds])
    _redo_over_remade_routines(st)


def _redo_over_remade_routines(st: DiffState) -> None:
    """An index, CHECK or column default of a table that stays whose expression calls a function dropped before
    the tables change (made again: its result type changes, which CREATE OR REPLACE cannot do): PostgreSQL refuses
    the DROP FUNCTION while they depend on it (PyPI's warehouse: the index project_name_ultranormalized calls
    ultranormalize_name(text)), so they are dropped before it (a default: DROP DEFAULT) and made again after the
    objects (a check or index the table's own diff drops already has its drop moved there; one of a table the diff
    drops is only dropped first). A generated column calling it is not handled: it cannot be made again without
    its values."""
    obj, ph = st.ph.objects, st.ph
    names = {c.obj.name for c in obj.first if isinstance(c, DropObject) and isinstance(c.obj, Routine)}
    if not names:
        return

    def calls(*texts: str | None) -> bool:
        return any(mentions(x, n) for x in texts if x for n in names)

    first: list[Change] = []
    for c in [*ph.drops_con, *ph.drops_idx]:  # dropped by the table's diff: before the function, not after
        if (isinstance(c, DropCheck) and calls(c.check.expression)) or (isinstance(c, DropIndex) and calls(
                c.index.where, *(e.expression for e in c.index.columns if e.is_expression))):
            (ph.drops_con if isinstance(c, DropCheck) else ph.drops_idx).remove(c)
            first.append(c)
    gone = {(c.table, c.check.name) if isinstance(c, DropCheck) else (c.table, c.index.name)
            for c in first if isinstance(c, (DropCheck, DropIndex))}
    altered = {(c.table, c.new.name) for c in ph.columns if isinstance(c, AlterColumn)}
    for prev in st.old.tables:  # a table dropped in this diff: its index, check or default only dropped first
        t = st.new.table(*prev.key)
        for pc in prev.columns:  # a default: DROP DEFAULT before, SET DEFAULT after
            col = t.column(pc.name) if t is not None else None
            if (t is None or (col is not None and col.default)) and (prev.key, pc.name) not in altered \
                    and calls(pc.default):
                bare = replace(pc, default=None)
                first.append(AlterColumn(prev.key, pc, bare))
                obj.after_tables.extend([AlterColumn(prev.key, bare, col)] if col is not None else [])
        for pck in prev.checks:
            ck = next((x for x in t.checks if x.name == pck.name), None) if t is not None else None
            if (t is None or ck is not None) and (prev.key, pck.name) not in gone and calls(pck.expression):
                first.append(DropCheck(prev.key, pck))
                obj.after_tables.extend([AddCheck(prev.key, ck)] if ck is not None else [])
        for pi in prev.indexes:
            i = next((x for x in t.indexes if x.name == pi.name), None) if t is not None else None
            if (t is None or i is not None) and (prev.key, pi.name) not in gone and \
                    calls(pi.where, *(e.expression for e in pi.columns if e.is_expression)):
                first.append(DropIndex(prev.key, pi))
                obj.after_tables.extend([CreateIndex(prev.key, i)] if i is not None else [])
    obj.first[:0] = first


def _recreate_fks_over_retyped(st: DiffState) -> None:
    """A foreign key that stays, over a column whose type changes on either of its sides, is dropped before the
    change and made again after it where the dialect checks a key's types (PostgreSQL refuses the first ALTER
    COLUMN … TYPE with "foreign key constraint … cannot be implemented": reactive-resume's user.id and the columns
    referencing it, made text from uuid, and the revert of that)."""
    from .. import dialects

    if not dialects.get(st.new.dialect).foreign_keys_check_types:
        return
    retyped = {(c.table, c.new.name) for c in st.ph.columns if isinstance(c, AlterColumn) and not same_type(c.old, c.new)}
    if not retyped:
        return
    def over_retyped(key: TableKey, f: ForeignKey) -> bool:
        ref = (f.ref_schema, f.ref_table)
        return any((key, c) in retyped for c in f.columns) or any((ref, c) in retyped for c in f.ref_columns)
    for key, f, pf in _staying_fks(st.old, st.new, st.ph.drops_fk):
        if over_retyped(key, f):
            st.ph.drops_fk.append(DropForeignKey(key, pf))
            st.ph.fks.append(AddForeignKey(key, f))
    _remake_renamed_fks(st.old, st.new, st.ph, lambda key, f: over_retyped(key, f))


# The steps of a diff, in the order they run (each may rewrite `st.old` under the names it decided). A new
# object kind adds its step here, in its own function (or module).
STEPS: tuple[Callable[[DiffState], None], ...] = (
    _diff_schemas, _rename_enums, _diff_enums, _diff_sequences, _rename_tables, _rename_sequences,
    diff_lineage, _diff_tables,
    _drop_tables, _recreate_fks_over_retyped,
    _finish_enum_rebuilds, _diff_sequence_owners, _enum_value_usages, _diff_objects, security_step,
    comments_step,
)


def _recreate_dependent_fks(old: Schema, new: Schema, ph: Phases) -> None:
    """A foreign key depends on the key it references: when that key is dropped (and maybe made again, as a
    unique index instead of a constraint, say), a foreign key that stays is dropped before it and made again
    after; one that only changes its name too, under its old name and its new one."""
    gone = {f for c in (*ph.drops_con, *ph.drops_idx) for f in removes(c)}
    if not gone:
        return
    for key, f, _ in _staying_fks(old, new, ph.drops_fk):
        if fk_target(f) in gone:
            ph.drops_fk.append(DropForeignKey(key, f))
            ph.fks.append(AddForeignKey(key, f))
    _remake_renamed_fks(old, new, ph, lambda _, f: fk_target(f) in gone)


def _remake_renamed_fks(old: Schema, new: Schema, ph: Phases, must: Callable[[TableKey, ForeignKey], bool]) -> None:
    """A foreign key the diff renames (RENAME CONSTRAINT, in `ph.columns`) that `must` be made again (what it
    depends on changes under it, which a renamed key would survive no better than a kept one) is renamed first,
    then dropped and made again under its new name, as a kept one (so that SQL run again, `--idempotent`, drops
    the key it made)."""
    for c in [c for c in ph.columns if isinstance(c, RenameConstraint) and not c.index and not c.primary_key]:
        pair = _renamed_fk(old, new, c)
        if pair is not None and must(c.table, pair[1]):
            ph.columns.remove(c)
            ph.early.append(c)
            ph.drops_fk.append(DropForeignKey(c.table, pair[1]))
            ph.fks.append(AddForeignKey(c.table, pair[1]))


def _renamed_fk(old: Schema, new: Schema, c: RenameConstraint) -> tuple[ForeignKey, ForeignKey] | None:
    """(the key in `old`, the key in `new`) that `c` renames, when it renames a foreign key."""
    ot, nt = old.table(*c.table), new.table(*c.table)
    if ot is None or nt is None:
        return None
    pf = next((f for f in ot.foreign_keys if (f.server_name or f.name) == c.old), None)
    nf = next((f for f in nt.foreign_keys if (f.server_name or f.name) == c.new), None)
    return None if pf is None or nf is None else (pf, nf)


def _staying_fks(old: Schema, new: Schema, drops_fk: list[Change]) -> Iterator[tuple[TableKey, ForeignKey, ForeignKey]]:
    """(table, key in `new`, the equal key in `old`) for each foreign key both models have on a table that stays,
    and that `drops_fk` does not drop already (nor the caller, appending to it on the way)."""
    def dropped_from(i: int) -> set[tuple[TableKey, str]]:
        return {(c.table, c.fk.name) for c in drops_fk[i:] if isinstance(c, DropForeignKey)}

    dropped = dropped_from(0)
    for t in new.tables:
        prev = old.table(t.schema, t.name)
        if prev is None or not t.foreign_keys:
            continue
        for f in t.foreign_keys:
            pf = next((x for x in prev.foreign_keys if x == f), None)
            if pf is None or (t.key, f.name) in dropped:
                continue
            n = len(drops_fk)
            yield t.key, f, pf
            dropped |= dropped_from(n)


def _serial_sequences(s: Schema) -> dict[tuple[str, str], tuple[TableKey, str]]:
    """(schema, `<table>_<column>_seq`) → (table, column) for every serial column."""
    return {(t.schema, serial_sequence_name(t.name, c.name)): (t.key, c.name)
            for t in s.tables for c in t.columns if c.is_serial}


def _enum_usages(old: Schema, new: Schema, e: Enum) -> tuple[tuple[TableKey, Column], ...]:
    """Columns using enum `e` in both models, as they end up (their new default is restored)."""
    def uses(c: Column | None) -> bool:
        return c is not None and c.type_schema == e.schema and c.base_type == e.name
    out = []
    for t, nt in old.matched_tables(new):
        for c in t.columns:
            if uses(c) and (nc := nt.column(c.name)) is not None and uses(nc):
                out.append((t.key, nc))
    return tuple(out)


def _diff_table(prev: Table, t: Table, ph: Phases, r: SqlReader,
                handover: set[tuple[TableKey, str]] | None = None) -> None:
    columns, drops_fk, drops_idx, drops_con = ph.columns, ph.drops_fk, ph.drops_idx, ph.drops_con
    cons, fks, idx = ph.cons, ph.fks, ph.idx
    key = t.key
    for c in t.columns:
        pc = prev.column(c.name)
        if pc is None:
            columns.append(AddColumn(key, c))
        elif not columns_equal(pc, c, r):
            columns.append(AlterColumn(key, pc, c, keep_sequence=handover is not None and (key, c.name) in handover))
    for pc in prev.columns:
        if t.column(pc.name) is None:
            columns.append(DropColumn(key, pc))
    if (prev.primary_key or None) != (t.primary_key or None):
        if _pk_renamed(prev, t) and r.stored_name(_pk_real_name(prev)) != r.stored_name(_pk_real_name(t)):
            # the same key under another name: RENAME CONSTRAINT (its index too), not the drop and add that drop
            # and add every foreign key referencing it again (OpenStack models renaming a composite key; an
            # unnamed key, `<table>_pkey`, that the code names: JupyterHub 2.0's naming convention)
            columns.append(RenameConstraint(key, _pk_real_name(prev), _pk_real_name(t), False, True))
        elif not (prev.primary_key and t.primary_key and _pk_equal(prev, t)):
            # drop the old key before columns change (it may sit on a dropped column), add the new after
            if prev.primary_key is not None:
                drops_con.append(SetPrimaryKey(key, prev.primary_key, None))
            if t.primary_key is not None:
                cons.append(SetPrimaryKey(key, None, t.primary_key))
    redone = _redo_over_retyped(prev, t, ph, r)
    def rename(o: str, n: str, code_old: str | None, index: bool = False) -> None:
        if r.stored_name(o) != r.stored_name(n):  # else the database has the new name already
            columns.append(RenameConstraint(key, o, n, index, code_old=code_old))
    _named(prev.foreign_keys, t.foreign_keys, lambda f: drops_fk.append(DropForeignKey(key, f)),
           lambda f: fks.append(AddForeignKey(key, f)), rename, eq=same_foreign_key)
    pk_columns = prev.primary_key.columns if prev.primary_key is not None else None
    _named(prev.uniques, t.uniques, lambda u: drops_con.append(DropUnique(key, u, u.columns == pk_columns)),
           lambda u: cons.append(AddUnique(key, u)), rename)
    _named(prev.checks, t.checks, lambda c: drops_con.append(DropCheck(key, c)),
           lambda c: cons.append(AddCheck(key, c)), rename, eq=lambda a, b: same_check(a, b) and check_equal(a, b, r))
    _named(tuple(i for i in prev.indexes if i.name not in redone), tuple(i for i in t.indexes if i.name not in redone),
           lambda i: drops_idx.append(DropIndex(key, i)),
           lambda i: idx.append(CreateIndex(key, i)), lambda o, n, code: rename(o, n, code, True),
           eq=lambda a, b: index_equal(a, b, r))
    if (prev.comment or None) != (t.comment or None):
        columns.append(SetTableComment(key, prev.comment, t.comment))
    columns.extend(feature_changes(prev, t, lambda a, b: check_equal(a, b, r)))
    _named(prev.excludes, t.excludes, lambda x: drops_con.append(DropExclusion(key, x)),
           lambda x: cons.append(AddExclusion(key, x)), rename,
           eq=lambda a, b: exclusion_equal(a, b, r))
    regenerate_over_retyped(prev, t, ph)
    rebuild_over_new_expressions(prev, t, ph)


def _redo_over_retyped(prev: Table, t: Table, ph: Phases, r: SqlReader, retyped: list[str] | None = None) -> set[str]:
    """A check, an index's predicate or expression on a column whose type changes is parsed again by PostgreSQL
    in the form it stored, which may not apply to the new type (`length((c)::text)` on text is stored as
    `length(c)`; coder's partial index `WHERE role = 'system'::text`, its column made an enum: "operator does not
    exist: chat_message_role = text"): dropped before and made again after, in the schema code's form. The
    comparison keys drop casts on literals, so these read as unchanged. An index that also changes its name is
    no rename either (concourse's `resource_caches` index on `md5(version)`, made again as `…_uniq` on
    `md5(version::text)` as `version` became jsonb: the RENAME left the old index for ALTER TYPE to rebuild, with
    "function md5(jsonb) does not exist"). Returns the names, old and new, of the indexes remade, which the
    matching by name then leaves alone. `retyped`: the columns an enum's rebuild converts (default: those whose
    type changes); a check or index already dropped and made again is left as it is."""
    if retyped is None:
        retyped = [c.name for c in t.columns if (pc := prev.column(c.name)) is not None
                   and (pc.type, pc.type_schema) != (c.type, c.type_schema)]
    if not retyped:
        return set()
    names = retyped

    def on_retyped(*texts: str | None) -> bool:
        return any(mentions(x, n) for x in texts if x for n in names)

    done = {(type(c), c.check.name if isinstance(c, DropCheck) else c.index.name) for c in [*ph.drops_con, *ph.drops_idx]
            if isinstance(c, (DropCheck, DropIndex)) and c.table == t.key}
    for ck in t.checks:
        pck = next((x for x in prev.checks if x.name == ck.name), None)
        if pck is not None and (DropCheck, pck.name) not in done and check_equal(pck, ck, r) \
                and on_retyped(ck.expression):
            ph.drops_con.append(DropCheck(t.key, pck))
            ph.cons.append(AddCheck(t.key, ck))
    redone = {n for k, n in done if k is DropIndex}
    for i in t.indexes:
        pi = _earlier_index(prev, t, i, r)
        if pi is not None and pi.name not in redone and \
                on_retyped(i.where, *(c.expression for c in i.columns if c.is_expression)):
            ph.drops_idx.append(DropIndex(t.key, pi))
            ph.idx.append(CreateIndex(t.key, i))
            redone |= {pi.name, i.name}
    return redone


def _earlier_index(prev: Table, t: Table, i: Index, r: SqlReader) -> Index | None:
    """The index of `prev` that `i` is, unchanged: the one of its name, or one under a name `t` no longer has."""
    same = next((x for x in prev.indexes if x.name == i.name), None)
    if same is not None:
        return same if index_equal(same, i, r) else None
    names = {x.name for x in t.indexes}
    return next((x for x in prev.indexes if x.name not in names and index_equal(replace(x, name=i.name), i, r)),
                None)


def _named(old: tuple, new: tuple, drop: Callable, add: Callable, rename: Callable,  # type: ignore[type-arg]
           eq: Callable | None = None) -> None:  # type: ignore[type-arg]
    """Match named objects: same name and definition → nothing; same definition under a new name →
    rename (no rebuild, no re-validation); otherwise drop and add."""
    eq = eq or (lambda a, b: a == b)
    new_by = {x.name: x for x in new}
    old_by = {x.name: x for x in old}
    gone = [o for name, o in old_by.items() if name not in new_by or not eq(o, new_by[name])]
    fresh = [n for name, n in new_by.items() if name not in old_by or not eq(old_by[name], n)]
    for n in list(fresh):
        if n.name in old_by:
            continue
        match = next((o for o in gone if o.name not in new_by and eq(replace(o, name=n.name), n)), None)
        if match is not None:  # by the name the server has (ForeignKey.server_name), on both sides: a 1.x row that
            # keeps its 0.x name (drizzle-kit's `up`: `…_fkey` named `…_fk` on the server) is no rename of it
            server = getattr(match, "server_name", None)
            rename(server or match.name, getattr(n, "server_name", None) or n.name,
                   match.name if server and server != match.name else None)
            gone.remove(match)
            fresh.remove(n)
    for o in gone:
        drop(o)
    for n in fresh:
        add(n)


def _pk_renamed(a: Table, b: Table) -> bool:
    """The same key (columns, deferrability) under two names, an unnamed one being `<table>_pkey` (or the name
    the server kept, PrimaryKey.server_name; a named key's server name, `baseline`'s, is its real name too)."""
    pa, pb = a.primary_key, b.primary_key
    return pa is not None and pb is not None \
        and _pk_real_name(a) != _pk_real_name(b) and pa.columns == pb.columns and pa.deferrable == pb.deferrable \
        and not (pa.name is None and not pa.server_name and may_be_unnamed_key(pb.name))


def _pk_real_name(t: Table) -> str:
    pk = t.primary_key
    assert pk is not None
    return pk.server_name or pk.name or implicit_pkey_name(t.name)


def _pk_equal(a: Table, b: Table) -> bool:
    pa, pb = a.primary_key, b.primary_key
    assert pa and pb
    def name(t: Table, p: object) -> str:
        n = getattr(p, "name", None)
        return n or f"{t.name}_pkey"
    return pa.columns == pb.columns and name(a, pa) == name(b, pb) and pa.deferrable == pb.deferrable


# -- comparison keys: two spellings of one fact compare equal ----------------------------------

def columns_equal(a: Column, b: Column, r: SqlReader) -> bool:
    if a == b:  # the common case, without the comparison keys
        return True
    if (a.name, a.not_null, a.type_schema or None, a.identity, a.comment or None, a.collation, a.generated_virtual) \
       != (b.name, b.not_null, b.type_schema or None, b.identity, b.comment or None, b.collation, b.generated_virtual) \
            or not same_type(a, b):
        return False
    is_enum = a.type_schema is not None
    if r.default_key(a.default, a.type, is_enum) != r.default_key(b.default, b.type, is_enum):
        return False
    return r.expression_key(a.generated) == r.expression_key(b.generated)


def check_equal(a: object, b: object, r: SqlReader) -> bool:
    """Two check constraints state the same condition (the same text, or the same expression once parsed)."""
    if a.expression == b.expression:  # type: ignore[attr-defined]  # the same text: the same key, unparsed
        return True
    return r.expression_key(a.expression) == r.expression_key(b.expression)  # type: ignore[attr-defined]


def index_equal(a: Index, b: Index, r: SqlReader) -> bool:
    if a == b:
        return True

    def cols(i: Index) -> tuple:  # type: ignore[type-arg]
        return tuple((r.expression_key(c.expression) if c.is_expression else c.expression, c.is_expression, c.asc,
                      c.nulls, r.opclass_key(c.opclass), c.collation) for c in i.columns)

    # storage parameters in any order: PostgreSQL keeps the order given, and it changes nothing
    return (a.unique, a.nulls_not_distinct, a.method, sorted(a.with_), a.include, cols(a), where_key(r.expression_key, a.where)) \
        == (b.unique, b.nulls_not_distinct, b.method, sorted(b.with_), b.include, cols(b),
            where_key(r.expression_key, b.where))


# -- renaming inside a model ----------------------------------------------------------------------

def _spell_q(schema: str, name: str) -> str:
    return name if schema == DEFAULT_SCHEMA else f"{schema}.{name}"


def _spell_col(table: TableKey, name: str) -> str:
    return f"{_spell_q(*table)}.{name}"


def _rebuild(s: Schema, tables: list[Table] | None = None, enums: list[Enum] | None = None,
             schemas: list[str] | None = None) -> Schema:
    return s.with_(tables=tables if tables is not None else s.tables, enums=enums if enums is not None else s.enums,
                   schemas=schemas if schemas is not None else s.schemas)


def _rename_schema(s: Schema, o: str, n: str) -> Schema:
    def sch(x: str) -> str:
        return n if x == o else x
    tables = [replace(renamed_parents(t, lambda k: (sch(k[0]), k[1])), schema=sch(t.schema),
                      columns=tuple(replace(c, type_schema=sch(c.type_schema)) if c.type_schema else c for c in t.columns),
                      foreign_keys=tuple(replace(f, ref_schema=sch(f.ref_schema)) for f in t.foreign_keys))
              for t in s.tables]
    enums = [replace(e, schema=sch(e.schema)) for e in s.enums]
    seqs = [replace(q, schema=sch(q.schema)) for q in s.sequences]
    return s.with_(tables=tables, enums=enums, sequences=seqs, schemas=[sch(x) for x in s.schemas])


def _rename_enum(s: Schema, schema: str, o: str, n: str) -> Schema:
    def col(c: Column) -> Column:
        if c.type_schema == schema and c.base_type == o:
            return replace(c, type=n + c.type[len(o):])
        return c
    tables = [replace(t, columns=tuple(col(c) for c in t.columns)) for t in s.tables]
    enums = [replace(e, name=n) if e.key == (schema, o) else e for e in s.enums]
    return _rebuild(s, tables, enums)


def _rename_table(s: Schema, schema: str, o: str, n: str, implicit_pk: bool = False) -> Schema:
    tables = []
    for t in s.tables:
        if t.key == (schema, o):
            pk = t.primary_key
            if implicit_pk and pk is not None and pk.name is not None:  # `<o>_pkey` renamed along
                pk = replace(pk, name=implicit_pkey_name(n))
            t = replace(t, name=n, primary_key=pk)
        t = renamed_parents(t, lambda k: (schema, n) if k == (schema, o) else k)
        t = replace(t, foreign_keys=tuple(replace(f, ref_table=n) if (f.ref_schema, f.ref_table) == (schema, o) else f
                                          for f in t.foreign_keys))
        tables.append(t)
    return _rebuild(s, tables)


def _replace_table(s: Schema, table: Table) -> Schema:
    return _rebuild(s, [table if t.key == table.key else t for t in s.tables])


def rename_column_in_table(t: Table, o: str, n: str) -> Table:
    """`t` with column `o` called `n` wherever a column list names it (key, constraints, plain index columns): what
    RENAME COLUMN does to them. Expressions are left alone: their text is compared, and changed, as it stands."""
    def r(cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n if c == o else c for c in cols)
    pk = replace(t.primary_key, columns=r(t.primary_key.columns)) if t.primary_key else None
    return replace(
        t, columns=tuple(replace(c, name=n) if c.name == o else c for c in t.columns), primary_key=pk,
        foreign_keys=tuple(replace(f, columns=r(f.columns)) for f in t.foreign_keys),
        uniques=tuple(replace(u, columns=r(u.columns)) for u in t.uniques),
        indexes=tuple(replace(i, columns=tuple(replace(c, expression=n) if (not c.is_expression and c.expression == o)
                                               else c for c in i.columns), include=r(i.include)) for i in t.indexes),
        excludes=rename_in_exclusions(t.excludes, o, n))


def _rename_fk_refs(s: Schema, table: TableKey, o: str, n: str) -> Schema:
    def fk(f: ForeignKey) -> ForeignKey:
        if (f.ref_schema, f.ref_table) == table:
            return replace(f, ref_columns=tuple(n if c == o else c for c in f.ref_columns))
        return f
    return _rebuild(s, [replace(t, foreign_keys=tuple(fk(f) for f in t.foreign_keys)) for t in s.tables])


def _is_subsequence(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    it = iter(b)
    return all(x in it for x in a)
