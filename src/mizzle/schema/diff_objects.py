"""The diff of objects beyond tables (schema/objects.py), in the phases `diff()` runs them in:

- `first`: before any table changes — triggers and views dropped, also those made again after (a view over
  a column being dropped or retyped, a trigger whose function is remade; a function with a SQL-standard body
  reading such a table: PostgreSQL records what it reads, as for a view), dependents before what they use;
- `before_tables`: domains and composite types (tables may use them), functions in a procedural language
  (column defaults may call them; their bodies are not checked at creation), views renamed; a function of the
  next phase that a table's default or CHECK calls, made here with its body's check off (`_called_by_tables_first`);
- `after_tables`: functions in SQL reading a table the diff makes or changes (their bodies are checked against
  the tables), PL/pgSQL ones declaring a variable of such a table's row or column type, views in dependency
  order, materialized-view indexes, triggers;
- `last`: functions, domains and composite types dropped, once nothing uses them.

A comment (left out of an object's equality) changed on an object that stays is a `CommentObject` at the end of
`after_tables`; an object made in the diff carries its comment in its CREATE.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .changes import AlterColumn, Change, DropColumn, DropTable, RecreateEnum, RenameColumn
from .composite_use import types_used as _uses
from .naming import mentions
from .object_changes import (
    AddViewIndex,
    AlterComposite,
    AlterDomain,
    CommentObject,
    CreateObject,
    DropObject,
    DropViewIndex,
    RenameObject,
    ReplaceObject,
)
from .objects import CompositeType, Domain, Routine, Trigger, View, body_statements
from .row_types import declared_row_types, row_types, split_top_level

if TYPE_CHECKING:
    from ..dialects.base import SqlReader

Key = tuple[str, ...]


@dataclass
class ObjectPhases:
    first: list[Change] = field(default_factory=list)
    before_tables: list[Change] = field(default_factory=list)
    after_tables: list[Change] = field(default_factory=list)
    last: list[Change] = field(default_factory=list)


def diff_objects(old: Any, new: Any, table_changes: list[Change]) -> ObjectPhases:
    """The changes turning the objects of Schema `old` into those of `new`; `table_changes` are the table
    changes of the same diff (a view over a table they touch is dropped before them and made again after)."""
    out = ObjectPhases()
    if not old.objects and not new.objects:
        return out
    o, n = old.objects, new.objects
    from .. import dialects

    rd = dialects.get(new.dialect).reader
    _types(o.domains, n.domains, AlterDomain, out)
    _types(o.composites, n.composites, AlterComposite, out, same=lambda a, b: True)
    _types_after_what_they_use(out.before_tables)
    _types_before_what_they_use(out.last)
    changed = {t.key for t in new.tables if old.table(*t.key) != t}  # made, or given new columns, …
    old_fns = _renamed(o.routines, n.routines, out, lambda a, b: a.key == b.key and a.returns == b.returns)
    touched = _touched_tables(table_changes)
    rebuilt: set[tuple[str, str]] = {c.new.key for c in table_changes if isinstance(c, RecreateEnum)}
    remade_fns = _routines(old_fns, n.routines, out, (changed, touched, rebuilt), rd)
    old_views = _renamed(o.views, n.views, out, lambda a, b: True)
    remade_views = _views(old_views, n.views, (touched, remade_fns), out, _StarReader(rd, old, new))
    old_triggers = _retargeted(o.triggers, o.routines, old_fns)
    old_triggers = _renamed(old_triggers, n.triggers, out, lambda a, b: a == b and b.function not in remade_fns
                            and (b.schema, b.table) not in remade_views)
    _triggers(old_triggers, n.triggers, (remade_fns, remade_views, touched), out)
    _comments((*o.domains, *o.composites, *_under_new_args(old_fns, n.routines), *old_views, *old_triggers), n.all(),
              out)
    _routines_after_what_they_call(out)
    _called_by_tables_first(out, new, changed)
    _reading_new_views_unchecked(out, rd)
    _functions_before_their_domains(out.before_tables)
    early = _routines_around_their_row_types(out, {c.table.key for c in table_changes if isinstance(c, DropTable)},
                                             changed)
    # what uses a function goes before it: triggers, then views (a view may call one), then functions; a routine
    # whose signature names a view's row type goes before the view
    rank = {Trigger: 0, View: 1, Routine: 2}
    out.first.sort(key=lambda c: (0.5 if any(c is e for e in early) else rank.get(type(c.obj), 3))
                   if isinstance(c, DropObject) else 3)
    return out


def _types_after_what_they_use(phase: list[Change]) -> None:
    """The domains and composite types made here, each after the ones it is built on (a domain over a composite type
    or over another domain: PostgREST's test fixtures; a composite type with a domain attribute), in their order
    otherwise."""
    made = [c for c in phase if isinstance(c, CreateObject) and isinstance(c.obj, (Domain, CompositeType))]
    by_key = {c.obj.key: c for c in made}
    _reordered(phase, made, lambda c: [by_key[k] for k in sorted(_uses(c.obj)) if k in by_key and by_key[k] is not c])


def _types_before_what_they_use(phase: list[Change]) -> None:
    """The domains and composite types dropped here, each before the ones it is built on (PostgreSQL refuses DROP
    DOMAIN mynums while `mynums2 AS mynums` exists: its domain.sql), in their order otherwise."""
    gone = [c for c in phase if isinstance(c, DropObject) and isinstance(c.obj, (Domain, CompositeType))]
    _reordered(phase, gone, lambda c: [u for u in gone if u is not c and c.obj.key in _uses(u.obj)])


def _reordered(phase: list[Change], these: list[Any], first: Callable[[Any], list[Any]]) -> None:
    """`these` (changes of `phase`) reordered in their places in `phase`, each after the ones `first` gives for it
    (depth first, in their order otherwise; a cycle left as it comes)."""
    if len(these) < 2:
        return
    ordered: list[Change] = []
    seen: set[int] = set()

    def visit(c: Any, path: frozenset[int]) -> None:
        if id(c) in seen or id(c) in path:
            return
        for d in first(c):
            visit(d, path | {id(c)})
        seen.add(id(c))
        ordered.append(c)

    for c in these:
        visit(c, frozenset())
    slots = iter(ordered)
    phase[:] = [next(slots) if any(c is x for x in these) else c for c in phase]


def _composites_after_their_row_types(out: ObjectPhases, changed: set[tuple[str, str]]) -> None:
    """A composite type made in this diff with an attribute of a table's row type (`AS (todo todos)`), or a domain
    over one (`CREATE DOMAIN d AS todos`), is made after the tables, first thing; so are the routines made before the
    tables whose signature names that type."""
    types = [c.obj for c in out.before_tables if isinstance(c, CreateObject)
             and isinstance(c.obj, (CompositeType, Domain)) and _uses(c.obj) & changed]
    keys = {x.key for x in types}
    moved: list[Change] = [c for c in out.before_tables if isinstance(c, CreateObject) and c.obj in types]
    moved += [c for c in out.before_tables if isinstance(_made(c), Routine) and row_types(_made(c)) & keys]
    for c in moved:
        out.before_tables.remove(c)
    out.after_tables[:0] = moved


def _routines_around_their_row_types(out: ObjectPhases, dropped_tables: set[Key],
                                     changed: set[tuple[str, str]]) -> list[Change]:
    """A routine whose arguments or result name a view made in this diff is made after the views; one that
    goes away while a table or view it names goes too is dropped first, and so is a composite type with an attribute
    of such a row type (PostgreSQL refuses to drop a relation a routine's signature or a type uses)."""
    _composites_after_their_row_types(out, changed)
    made_views = {c.obj.key for c in out.after_tables if isinstance(c, CreateObject) and isinstance(c.obj, View)}
    for phase in (out.before_tables, out.after_tables):
        moved = [c for c in phase if isinstance(_made(c), Routine) and row_types(_made(c)) & made_views]
        for c in moved:
            phase.remove(c)
        out.after_tables.extend(moved)
    dropped = dropped_tables | {c.obj.key for c in out.first if isinstance(c, DropObject) and isinstance(c.obj, View)}
    types: list[Change] = [c for c in out.last if isinstance(c, DropObject) and isinstance(c.obj, CompositeType)
                           and _uses(c.obj) & dropped]
    dropped |= {c.obj.key for c in types if isinstance(c, DropObject)}
    early = [c for c in out.last if isinstance(c, DropObject) and isinstance(c.obj, Routine)
             and row_types(c.obj) & dropped] + types  # a routine before the type it takes
    for c in early:
        out.last.remove(c)
    out.first.extend(early)
    # a routine dropped taking a type dropped with it (a composite, a domain) goes before the type
    gone_types = {c.obj.key for c in out.last if isinstance(c, DropObject) and isinstance(c.obj, (CompositeType, Domain))}
    takers = [c for c in out.last if isinstance(c, DropObject) and isinstance(c.obj, Routine)
              and row_types(c.obj) & gone_types]
    out.last[:] = takers + [c for c in out.last if not any(c is t for t in takers)]
    return early


def _made(c: Change) -> Any:
    """What a change makes or replaces (not a rename's)."""
    return c.obj if isinstance(c, CreateObject) else c.new if isinstance(c, ReplaceObject) else None


def _calls(r: Any, other: Any) -> bool:
    """Whether routine `r` may call routine `other` by name where PostgreSQL resolves it as `r` is made: in an
    argument's default, in any language (PostgreSQL holds what it calls: pgschema's function_to_function), or in a
    SQL body (checked at creation; PostgreSQL records what a SQL-standard one calls)."""
    if not isinstance(r, Routine) or not isinstance(other, Routine) or r is other:
        return False
    defaults = " ".join(re.split(r"(?i)\bdefault\b|=", r.args)[1:])
    return mentions(defaults, other.name) or \
        (r.language.lower() == "sql" and mentions(body_statements(r.body), other.name))


def _routines_after_what_they_call(out: ObjectPhases) -> None:
    """A routine in SQL made in this diff comes after the routines made in it that it calls (in the later one's
    phase, after it: a stable dependency order over the places routines already take); one dropped goes before
    the routines dropped with it that it calls."""
    phases = (out.before_tables, out.after_tables)
    made = [(p, c) for p, phase in enumerate(phases) for c in phase if isinstance(_made(c), Routine)]
    calls = {id(c): [d for _, d in made if _calls(_made(c), _made(d))] for _, c in made}
    phase_of = {id(c): p for p, c in made}
    moved = True
    while moved:  # a callee's phase carried to its callers (only ever raised: it ends)
        moved = False
        for _, c in made:
            p = max([phase_of[id(c)], *(phase_of[id(d)] for d in calls[id(c)])])
            moved, phase_of[id(c)] = moved or p != phase_of[id(c)], p
    ids = {id(c) for _, c in made}
    for p, phase in enumerate(phases):
        ordered = _callees_first([c for _, c in made if phase_of[id(c)] == p], calls)
        kept = [i for i, c in enumerate(phase) if id(c) in ids and phase_of[id(c)] == p]
        at = kept[0] if kept else next((i for i, c in enumerate(phase) if id(c) in ids), 0)
        rest = [c for c in phase if id(c) not in ids]
        before = sum(1 for c in phase[:at] if id(c) not in ids)
        phase[:] = rest[:before] + ordered + rest[before:]
    for phase in (out.first, out.last):
        drops = [c for c in phase if isinstance(c, DropObject) and isinstance(c.obj, Routine)]
        callers = {id(c): {id(d) for d in drops if _calls(d.obj, c.obj)} for c in drops}
        order: list[Change] = []
        done: set[int] = set()
        while len(order) < len(drops):  # next: one no remaining drop calls (else, in a cycle, the first left)
            left = [c for c in drops if id(c) not in done]
            order.append(next((c for c in left if not callers[id(c)] - done), left[0]))
            done.add(id(order[-1]))
        it = iter(order)
        phase[:] = [next(it) if any(c is d for d in drops) else c for c in phase]


def _callees_first(items: list[Change], calls: dict[int, list[Change]]) -> list[Change]:
    """`items` in their order, each after those of `items` it calls (a cycle is cut where it closes)."""
    wanted = {id(c) for c in items}
    seen: set[int] = set()
    out: list[Change] = []

    def visit(c: Change, path: frozenset[int]) -> None:
        if id(c) in seen or id(c) in path:
            return
        for d in calls[id(c)]:
            if id(d) in wanted:
                visit(d, path | {id(c)})
        seen.add(id(c))
        out.append(c)

    for c in items:
        visit(c, frozenset())
    return out


def _table_expressions(t: Any) -> str:
    """The SQL a table's statements evaluate or check as they run: defaults, generated columns, CHECKs, index and
    exclusion expressions."""
    parts = [x for c in t.columns for x in (c.default, c.generated) if x]
    parts += [c.expression for c in t.checks]
    parts += [x for i in t.indexes for x in (i.where, *(c.expression for c in i.columns if c.is_expression)) if x]
    parts += [x for e in t.excludes for x in (e.where, *(el.expression for el in e.elements)) if x]
    return " ".join(parts)


def _called_by_tables_first(out: ObjectPhases, new: Any, changed: set[tuple[str, str]]) -> None:
    """A routine made after the tables (its body reads one this diff makes or changes) whose name a default, CHECK,
    generated column or index of such a table, or a domain made before them, mentions: PostgreSQL needs it to exist
    when that statement runs (graphile/starter's current_user_id(), reading app_private.sessions, the default of
    user_emails.user_id: no order of the two phases placed it). As pg_dump does, it is made before the tables with
    its body unchecked (`CreateObject.unchecked_body`). A SQL-standard body is parsed whatever the check, and a
    signature naming a table's row type needs the table: those stay after."""
    domains = [x for x in (_made(c) or getattr(c, "new", None) for c in out.before_tables) if isinstance(x, Domain)]
    text = " ".join([_table_expressions(t) for t in new.tables if t.key in changed]
                    + [x for d in domains for x in (d.default, *(e for _, e in d.checks)) if x])
    early: list[CreateObject | ReplaceObject] = [
        c for c in out.after_tables if isinstance(c, (CreateObject, ReplaceObject)) and isinstance(_made(c), Routine)
        and not _made(c).standard_body and not row_types(_made(c)) & changed and mentions(text, _made(c).name)]
    for c in early:
        out.after_tables.remove(c)
    out.before_tables.extend(replace(c, unchecked_body=True) for c in early)


def _reading_new_views_unchecked(out: ObjectPhases, rd: SqlReader) -> None:
    """A function in SQL whose body reads a view this diff makes (or makes again), or one in PL/pgSQL declaring a
    variable of such a view's row type: its routine phase comes before the views (a view may call a function), where
    PostgreSQL, checking the body, finds no such relation (Boundary's hcp_billing_monthly_active_users_last_2_months(),
    `select * from` the view of that name; its wh_upsert_host(), `src whx_host_dimension_target%rowtype`). As pg_dump
    does, it is made with its body's check off. A SQL-standard body is parsed whatever the check: it is left alone."""
    views = {c.obj.key for phase in (out.before_tables, out.after_tables) for c in phase
             if isinstance(c, CreateObject) and isinstance(c.obj, View)}
    if not views:
        return
    for phase in (out.before_tables, out.after_tables):
        for i, c in enumerate(phase):
            r = _made(c)
            if isinstance(c, (CreateObject, ReplaceObject)) and isinstance(r, Routine) and not c.unchecked_body \
                    and _checked_against(r, rd) & views:
                phase[i] = replace(c, unchecked_body=True)


def _checked_against(r: Routine, rd: SqlReader) -> set[Key]:
    """The relations PostgreSQL resolves when it checks routine `r`'s body at creation: those a SQL body reads,
    the row types a PL/pgSQL body declares variables of (`src whx_host_dimension_target%rowtype`)."""
    if r.language.lower() == "plpgsql":
        return set(declared_row_types(r))
    if r.language.lower() != "sql" or r.standard_body:
        return set()
    sql = body_statements(r.body)
    return set(rd.relations(sql, r.schema)) if rd.parses(sql) else set()


def _functions_before_their_domains(phase: list[Change]) -> None:
    """A domain whose CHECK or DEFAULT calls a function made in the same phase comes after that function (unless
    the function's own arguments or result use the domain: then the domain stays first)."""
    def made(c: Change) -> Any:
        return c.obj if isinstance(c, CreateObject) else getattr(c, "new", None)

    i = 0
    while i < len(phase):
        d = made(phase[i])
        if isinstance(d, Domain):
            text = " ".join(x for x in (d.default, *(e for _, e in d.checks)) if x)
            later = [c for c in phase[i + 1:] if isinstance(made(c), Routine) and mentions(text, made(c).name)
                     and not mentions(f"{made(c).args} {made(c).returns or ''}", d.name)]
            if later:
                phase[:] = [c for c in phase[:i] if c not in later] + later + \
                    [c for c in phase[i:] if c not in later]
                i += len(later)
        i += 1


def _comments(old: tuple[Any, ...], new: tuple[Any, ...], out: ObjectPhases) -> None:
    """COMMENT ON each object that stays and whose comment changes (`old`: views under their new names)."""
    made = {(type(c.obj), c.obj.key) for phase in (out.before_tables, out.after_tables) for c in phase
            if isinstance(c, CreateObject)}
    old_by = {(type(x), x.key): x for x in old}
    for x in new:
        prev = old_by.get((type(x), x.key))
        if prev is not None and (type(x), x.key) not in made and prev.comment != x.comment:
            out.after_tables.append(CommentObject(x, prev.comment, x.comment))


def _types(old: tuple[Any, ...], new: tuple[Any, ...], alter: type, out: ObjectPhases,
           same: Callable[[Any, Any], bool] = lambda a, b: a.type == b.type) -> None:
    """Domains (altered in place while the base type stays) and composite types (always altered in place)."""
    old_by = {x.key: x for x in old}
    for x in new:
        prev = old_by.get(x.key)
        if prev is None:
            out.before_tables.append(CreateObject(x))
        elif prev != x and same(prev, x):
            out.before_tables.append(alter(prev, x))
        elif prev != x:
            out.before_tables += [DropObject(prev), CreateObject(x)]
    new_keys = {x.key for x in new}
    out.last.extend(DropObject(x) for x in old if x.key not in new_keys)


def _routines(old: tuple[Routine, ...], new: tuple[Routine, ...], out: ObjectPhases,
              tables: tuple[set[tuple[str, str]], dict[Key, set[str] | None], set[tuple[str, str]]],
              rd: SqlReader) -> set[str]:
    """Functions and procedures; returns the `schema.name` of those dropped and made again (their
    triggers must be too). A routine whose arguments are spelled otherwise (`x int` → `x integer`, a new name)
    may have the same signature to PostgreSQL: the old one of that name is dropped first, not last. `tables`:
    (the tables made or changed, the tables touched: see `_touched_tables`, the enums rebuilt); an old routine
    with a SQL-standard body reading a touched table goes before the table changes (dropped, and made again after
    them), and so do those with a SQL-standard body calling it, and those taking or returning a rebuilt enum
    (PostgreSQL refuses its DROP TYPE while they do: Supabase's has_role(uuid, app_role))."""
    changed, touched, rebuilt = tables
    old_by = {x.key: x for x in old}
    new_keys = {x.key for x in new}
    for new_key, kept in _defaults_changed(old, new).items():  # replaced in place: kept, under its new arguments
        old_by[new_key] = kept
        new_keys.add(kept.key)
    renamed_args = {x.key[:2] for x in new if x.key not in old_by}
    early_drops = [x for x in old if (x.key not in new_keys and x.key[:2] in renamed_args)
                   or _standard_reads_touched(x, touched, rd) or row_types(x) & rebuilt]
    more = True
    while more:  # a SQL-standard body calling one dropped early: PostgreSQL holds the callee for it, dropped first
        more_drops = [x for x in old if x not in early_drops and x.standard_body
                      and any(_calls(x, d) for d in early_drops)]
        early_drops += more_drops
        more = bool(more_drops)
    out.first.extend(DropObject(x) for x in early_drops)
    remade: set[str] = {f"{x.schema}.{x.name}" for x in early_drops}
    for x in new:
        # blurb(todos): after todos; has_role(uuid, app_role): after app_role is made again
        after = _reads_changed_tables(x, changed, rd) or bool(row_types(x) & (changed | rebuilt))
        phase = out.after_tables if after else out.before_tables
        prev = old_by.get(x.key)
        if prev is None or prev in early_drops:
            phase.append(CreateObject(x))
        elif prev != x and prev.returns == x.returns and prev.is_procedure == x.is_procedure:
            phase.append(ReplaceObject(prev, x))
        elif prev != x:
            out.first.append(DropObject(prev))
            phase.append(CreateObject(x))
            remade.add(f"{x.schema}.{x.name}")
    out.last.extend(DropObject(x) for x in old if x.key not in new_keys and x not in early_drops)
    return remade


_DEFAULT = re.compile(r"(?is)\s(?:DEFAULT\s|=).*$")


def _defaults_changed(old: tuple[Routine, ...], new: tuple[Routine, ...]) -> dict[Key, Routine]:
    """The old routines (by the new one's key) whose arguments change in their defaults alone, none removed:
    PostgreSQL's CREATE OR REPLACE takes those (keeping the grants, and the column defaults calling it), as it
    identifies a routine by its argument types (immich's clock_timestamp() → now()). A default removed ("cannot
    remove parameter defaults from existing function") or an argument renamed it refuses: dropped and made again."""
    old_keys, new_keys = {x.key for x in old}, {x.key for x in new}
    gone = [x for x in old if x.key not in new_keys]
    out: dict[Key, Routine] = {}
    for x in new:
        prev = next((o for o in gone if _same_but_defaults(o, x)), None) if x.key not in old_keys else None
        if prev is not None:
            out[x.key] = prev
            gone.remove(prev)
    return out


def _under_new_args(old: tuple[Routine, ...], new: tuple[Routine, ...]) -> tuple[Routine, ...]:
    """The old routines, each replaced in place for its defaults under its new arguments (its comment stays)."""
    moved = {prev.key: key for key, prev in _defaults_changed(old, new).items()}
    return tuple(replace(x, args=moved[x.key][2]) if x.key in moved else x for x in old)


def _same_but_defaults(a: Routine, b: Routine) -> bool:
    """Whether `b`'s arguments are `a`'s with defaults changed or added, none removed."""
    if (a.schema, a.name, a.returns) != (b.schema, b.name, b.returns):
        return False
    olds, news = split_top_level(a.args), split_top_level(b.args)
    if len(olds) != len(news):
        return False
    for o, n in zip(olds, news, strict=True):
        o_head, n_head = _DEFAULT.sub("", o.strip()), _DEFAULT.sub("", n.strip())
        if " ".join(o_head.split()) != " ".join(n_head.split()) or (o_head != o.strip() and n_head == n.strip()):
            return False
    return True


def _reads_changed_tables(r: Routine, changed: set[tuple[str, str]], rd: SqlReader) -> bool:
    """Whether a function in SQL (whose body PostgreSQL checks at creation) reads from a table this diff creates
    or changes (a column it adds: pg-schema-diff's procedure case), or cannot be parsed to tell, or a PL/pgSQL
    one declares a variable of such a table's row or column type: made after the tables. Other functions go before
    them (a column default may call one)."""
    if r.language.lower() == "plpgsql":
        return bool(declared_row_types(r) & changed)
    if r.language.lower() != "sql":
        return False
    sql = body_statements(r.body)
    return not rd.parses(sql) or bool(rd.relations(sql, r.schema) & changed)


def _standard_reads_touched(r: Routine, touched: dict[Key, set[str] | None], rd: SqlReader) -> bool:
    """Whether a routine with a SQL-standard body (whose reads PostgreSQL records, as a view's) reads a touched
    table's touched column (or cannot be parsed to tell, while some table is touched)."""
    if not touched or not r.standard_body:
        return False
    sql = body_statements(r.body)
    return not rd.parses(sql) or _reads_touched(sql, set(rd.relations(sql, r.schema)), touched, rd)


def _renamed(old: tuple[Any, ...], new: tuple[Any, ...], out: ObjectPhases,
             in_place: Callable[[Any, Any], bool]) -> tuple[Any, ...]:
    """`View(..., renamed_from=...)`, `Function(...)`, `Trigger(...)`: ALTER … RENAME; the old objects under
    their new names. Only when `in_place(moved, new)`: the renamed object is then kept or replaced, not dropped
    (a function whose arguments or result change too, a trigger that changes too, is dropped and made again under
    its new name instead — the drop runs before any rename)."""
    old_by = {x.key: x for x in old}
    new_keys = {x.key for x in new}
    result = list(old)
    for x in new:
        if not x.renamed_from or x.key in old_by:
            continue
        prev = old_by.get(replace(x, name=x.renamed_from).key)
        if prev is None or prev.key in new_keys or prev not in result:
            continue
        moved = replace(prev, name=x.name)
        if in_place(moved, x):
            out.before_tables.append(RenameObject(prev, moved))
            result[result.index(prev)] = moved
    return tuple(result)


def _retargeted(triggers: tuple[Trigger, ...], before: tuple[Routine, ...],
                after: tuple[Routine, ...]) -> tuple[Trigger, ...]:
    """The old triggers, each calling its function by the name a rename gives it (PostgreSQL follows the
    function, not its name)."""
    names = {f"{a.schema}.{a.name}": f"{b.schema}.{b.name}"
             for a, b in zip(before, after, strict=True) if a.name != b.name}
    return tuple(replace(t, function=names.get(t.function, t.function)) for t in triggers)


def _touched_tables(changes: list[Change]) -> dict[Key, set[str] | None]:
    """Tables (and their columns: None, the whole table) a view may no longer be valid over: dropped, a column
    dropped, retyped or renamed, an enum rebuilt under them. A view that reads none of those columns stays (a
    view dropped and made again takes the rules PostgreSQL keeps on it along; its grants are granted again)."""
    out: dict[Key, set[str] | None] = {}

    def add(table: Key, column: str | None) -> None:
        if column is None:
            out[table] = None
        elif out.get(table, set()) is not None:
            out.setdefault(table, set()).add(column)  # type: ignore[union-attr]

    for c in changes:
        if isinstance(c, DropTable):
            add(c.table.key, None)
        elif isinstance(c, DropColumn):
            add(c.table, c.column.name)
        elif isinstance(c, RenameColumn):
            add(c.table, c.old)
        elif isinstance(c, AlterColumn) and (c.old.type, c.old.type_schema) != (c.new.type, c.new.type_schema):
            add(c.table, c.old.name)
        elif isinstance(c, RecreateEnum):
            for k, col in c.usages:
                add(k, col.name)
    return out


def _reads_touched(query: str, reads: set[Key], touched: dict[Key, set[str] | None], rd: SqlReader) -> bool:
    """Whether a query (a view's, a body's) reads a touched table's touched column: by name anywhere in it (a
    string that holds the name counts too: cautious), or through `*` (not `count(*)`)."""
    for rel in reads & touched.keys():
        columns = touched[rel]
        if columns is None or rd.reads_every_column(query):
            return True
        if any(mentions(query, col) for col in columns):
            return True
    return False


def _views(old: tuple[View, ...], new: tuple[View, ...], gone_under: tuple[dict[Key, set[str] | None], set[str]],
           out: ObjectPhases, rd: SqlReader) -> set[Key]:
    """Views made, replaced, dropped; returns the views dropped and made again (their triggers go with them).
    `gone_under`: (the touched tables, the `schema.name` of the functions dropped and made again: a view calling
    one, by name, is made again too — PostgreSQL holds a function a view calls)."""
    touched, remade_fns = gone_under
    fn_names = {f.rpartition(".")[2] for f in remade_fns}
    old_by = {v.key: v for v in old}
    new_by = {v.key: v for v in new}
    deps: dict[Key, set[Key]] = {v.key: set(rd.relations(v.definition, v.schema)) for v in (*old, *new)}
    dropped: set[Key] = {k for k in old_by if k not in new_by}
    remade: set[Key] = set()
    replaced: list[Change] = []
    reindexed: list[tuple[View, View]] = []
    for v in new:
        prev = old_by.get(v.key)
        if prev is None or prev == v:
            continue
        keyed = replace(prev, definition=rd.query_key(prev.definition)), replace(v, definition=rd.query_key(
            v.definition))
        if keyed[0] != keyed[1] and isinstance(rd, _StarReader):
            keyed = rd.expanded(prev, keyed[0], old=True), rd.expanded(v, keyed[1], old=False)
        if keyed[0] == keyed[1]:
            continue  # the same query however spelled: nothing to do
        if replace(keyed[0], indexes=v.indexes) == keyed[1]:  # the same query (however spelled), other indexes
            reindexed.append((prev, v))
        elif not v.materialized and not prev.materialized and prev.options == v.options \
                and rd.replaceable(prev.definition, v.definition):
            replaced.append(ReplaceObject(prev, v))
        else:
            remade.add(v.key)
    changed = True
    while changed:  # a view over a touched table, or over a view dropped or made again, is made again
        changed = False
        for k in old_by:
            if k in dropped or k in remade:
                continue
            if deps[k] & (dropped | remade) or _reads_touched(old_by[k].definition, deps[k], touched, rd) \
                    or any(mentions(old_by[k].definition, f) for f in fn_names):
                remade.add(k)
                changed = True
    gone = [old_by[k] for k in _dependency_order(list(dropped | remade), deps)]
    out.first.extend(DropObject(v) for v in reversed(gone))
    made = {k for k in new_by if k not in old_by or k in remade}
    for k in _dependency_order([v.key for v in new], deps):
        if k in made:
            out.after_tables.append(CreateObject(new_by[k]))
        else:
            out.after_tables.extend(c for c in replaced if c.new.key == k)  # type: ignore[attr-defined]
    for prev, v in reindexed:
        if v.key not in remade:  # made again: with its indexes
            _index_changes(prev, v, out.after_tables)
    return remade


class _StarReader:
    """The dialect's reader, and a view's query keyed with its `*` written as the columns of the tables of the
    schema it is in (`old`'s or `new`'s), and a column it names alone named by the one table of its join that has
    it, as PostgreSQL stores it (`expand_stars`): a rebuilt snapshot keeps the SQL's `select documents.*, …` while
    the module pull wrote holds the server's column list (supabase-community/chatgpt-your-files'
    documents_with_storage_path), and webstudio's `"userId"` of `"Build" LEFT JOIN "Project"` is the server's
    `"Project"."userId"`."""

    def __init__(self, rd: SqlReader, old: Any, new: Any) -> None:
        self.rd, self.old, self.new = rd, old, new

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rd, name)

    def expanded(self, v: View, keyed: View, old: bool) -> View:
        s = self.old if old else self.new

        def columns(schema: str, name: str) -> list[str] | None:
            t = s.table(schema, name)
            return None if t is None else [c.name for c in t.columns]

        return replace(keyed, definition=self.rd.query_key(self.rd.expand_stars(v.definition, v.schema, columns)))


def _index_changes(prev: View, v: View, into: list[Change]) -> None:
    before = {i.name: i for i in prev.indexes}
    after = {i.name: i for i in v.indexes}
    into.extend(DropViewIndex(prev, i) for name, i in before.items() if after.get(name) != i)
    into.extend(AddViewIndex(v, i) for name, i in after.items() if before.get(name) != i)


def _dependency_order(keys: list[Key], deps: dict[Key, set[Key]]) -> list[Key]:
    """`keys` with each view after the views of `keys` it reads from."""
    wanted = set(keys)
    seen: set[Key] = set()
    out: list[Key] = []

    def visit(k: Key, path: frozenset[Key]) -> None:
        if k in seen or k in path:
            return
        for d in sorted(deps.get(k, ())):
            if d in wanted:
                visit(d, path | {k})
        seen.add(k)
        out.append(k)

    for k in sorted(keys):
        visit(k, frozenset())
    return out


def _triggers(old: tuple[Trigger, ...], new: tuple[Trigger, ...],
              gone_under: tuple[set[str], set[Key], dict[Key, set[str] | None]], out: ObjectPhases) -> None:
    """Triggers; one whose function or view is dropped and made again is too (DROP VIEW takes its triggers), and
    one naming a column retyped under it (`_names_touched`). `gone_under`: (the functions and the views dropped and
    made again, the touched tables)."""
    remade_fns, remade_views, touched = gone_under
    old_by = {t.key: t for t in old}
    new_keys = {t.key for t in new}
    for t in new:
        prev = old_by.get(t.key)
        if prev is None:
            out.after_tables.append(CreateObject(t))
        elif prev != t or t.function in remade_fns or (t.schema, t.table) in remade_views \
                or _names_touched(prev, touched):
            out.first.append(DropObject(prev))
            out.after_tables.append(CreateObject(t))
    out.first.extend(DropObject(t) for t in old if t.key not in new_keys)


def _names_touched(t: Trigger, touched: dict[Key, set[str] | None]) -> bool:
    """Whether PostgreSQL holds a touched column of the trigger's table under it: it records a dependency on each
    column of an `UPDATE OF` list and of the WHEN condition, and refuses to retype one ("cannot alter type of a
    column used in a trigger definition": Zabbix's `AFTER UPDATE OF name ON hosts`, then `hosts.name` widened).
    A trigger with its body inline (SQLite's) is not held so: a table rebuild keeps it."""
    columns = touched.get((t.schema, t.table))
    if t.body is not None or not columns:
        return False
    named = " ".join([*(e for e in t.events if e.upper().startswith("UPDATE OF")), t.when or ""])
    return any(mentions(named, col) for col in columns)


def bodies_unchecked(changes: list[Change]) -> list[Change]:
    """`changes` with the routines they make not checked at creation, as pg_dump makes a dump's: a pulled baseline
    copies bodies the server holds, made under their creator's search_path or with the check off (PostgREST's
    fixtures: a SQL body casting to `"text/csv"`, a domain of the schema its creator's search_path led with), which
    the check, under the migration's search_path, refuses. A SQL-standard body is parsed whatever the setting."""
    return [replace(c, unchecked_body=True) if isinstance(c, CreateObject) and isinstance(c.obj, Routine)
            and not c.obj.standard_body else c for c in changes]
