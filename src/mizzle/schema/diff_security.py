"""The diff of security facts (schema/security.py), one step of schema/diff.py's `diff`: extensions and roles
first (before the tables, types, indexes and policies that use them), row-level security and policies after
their tables, columns and indexes; a policy that stays but names a column dropped or retyped in the same
migration (PostgreSQL refuses both while the policy depends on the column) is dropped before and made again
after; roles and extensions dropped last.

A kind a side does not track (None: see schema/security.py) is compared only one way: what the new side
declares and the old one cannot know is created (CREATE EXTENSION IF NOT EXISTS, so an extension a folder's SQL
made already is no error); nothing is dropped or changed for it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .changes import Change, RecreateEnum, TableKey
from .model import Schema, Table
from .naming import mentions, serial_sequence_name
from .security import Extension, Grant, Policy, Role

if TYPE_CHECKING:
    from ..dialects.base import SqlReader
from .security_changes import (
    AlterExtension,
    AlterPolicy,
    AlterRole,
    CreateExtension,
    CreatePolicy,
    CreateRole,
    DropExtension,
    DropPolicy,
    DropRole,
    GrantPrivileges,
    RenamePolicy,
    RevokePrivileges,
    SetRowSecurity,
)


@dataclass
class SecurityPhases:
    first: list[Change] = field(default_factory=list)  # extensions, roles: made or changed
    drops: list[Change] = field(default_factory=list)  # policies dropped, privileges revoked
    after: list[Change] = field(default_factory=list)  # row-level security, policies, grants
    last: list[Change] = field(default_factory=list)  # roles, extensions: dropped


def diff_security(old: Schema, new: Schema, remade_views: frozenset[tuple[str, ...]] = frozenset(),
                  rebuilt_enums: tuple[Any, ...] = ()) -> SecurityPhases:
    """`old` is the old model under the new names (diff's renames applied); `remade_views`: the views the same
    diff drops and makes again (their grants are granted again); `rebuilt_enums`: its RecreateEnum changes (a
    policy naming a column they convert, or the type, is dropped before and made again after)."""
    out = SecurityPhases()
    _extensions(old.security.extensions, new.security.extensions, out)
    _roles(old.security.roles, new.security.roles, out)
    out.last = [c for c in out.last if not (isinstance(c, DropRole) and c.role.name in referenced_roles(new))]
    # a role the old schema's policies or grants name exists wherever that schema was migrated (PostgreSQL refuses
    # a policy or grant to a missing role): declaring it now is no change (drizzle-kit's `.existing()` roles,
    # Supabase's `authenticated`, named by a folder's snapshots that list no role, then declared by `pull`)
    existing = referenced_roles(old) - {r.name for r in old.security.roles or ()}
    out.first = [c for c in out.first if not (isinstance(c, CreateRole) and c.role.name in existing)]
    touched = _touched_columns(old, new) | _over_rebuilt_enums(rebuilt_enums)
    from .. import dialects

    r = dialects.get(new.dialect).reader
    for t in new.tables:
        prev = old.table(t.schema, t.name)
        if prev is None:
            if t.rls or t.force_rls:
                out.after.append(SetRowSecurity(t.key, (False, False), (t.rls, t.force_rls)))
            out.after.extend(CreatePolicy(t.key, p) for p in t.policies)
        elif prev.policies or t.policies or (prev.rls, prev.force_rls) != (t.rls, t.force_rls):
            _table_security(prev, t, touched, out, r)
    _grants(old, new, out, remade_views)
    return out


def security_step(st: Any) -> None:
    """The step of schema/diff.py's `diff` (st: its DiffState; `st.old` has every rename applied): extensions
    and roles with the early changes, policies dropped with the constraints, RLS / policies / grants after the
    views, functions and triggers (a grant on a view made in the same migration, a policy calling a function),
    roles and extensions dropped before the schemas."""
    from .object_changes import CreateObject, DropObject
    from .objects import View

    obj = st.ph.objects
    dropped = {c.obj.key for c in obj.first if isinstance(c, DropObject) and isinstance(c.obj, View)}
    remade = frozenset(c.obj.key for c in obj.after_tables if isinstance(c, CreateObject) and c.obj.key in dropped
                       and isinstance(c.obj, View))
    rebuilt = tuple(c for c in st.ph.enum_rebuilds if isinstance(c, RecreateEnum))
    sec = diff_security(st.old, st.new, remade, rebuilt)
    from .objects import Routine

    routines = {c.obj.name for c in obj.first if isinstance(c, DropObject) and isinstance(c.obj, Routine)}
    if routines:
        obj.first[:0] = _policies_around_remade_routines(st.old, st.new, sec, routines)
    st.ph.early.extend(sec.first)
    st.ph.drops_con.extend(sec.drops)
    st.ph.security.extend(sec.after)
    st.ph.late_schemas[:0] = sec.last


def _policies_around_remade_routines(old: Schema, new: Schema, sec: SecurityPhases, names: set[str]) -> list[Change]:
    """The policies calling a function dropped before the tables change (made again: its result or arguments
    change), which PostgreSQL holds the function for: dropped before it (returned, for the objects' first phase)
    and, where they stay, made again after it (an ALTER POLICY becomes a drop and a create)."""
    def calls(p: Policy) -> bool:
        return any(mentions(x, n) for x in (p.using, p.with_check) if x for n in names)

    early: list[Change] = [c for c in sec.drops if isinstance(c, DropPolicy) and calls(c.policy)]
    sec.drops = [c for c in sec.drops if not any(c is e for e in early)]
    for c in [c for c in sec.after if isinstance(c, AlterPolicy) and calls(c.old)]:
        sec.after[sec.after.index(c)] = CreatePolicy(c.table, c.new)
        early.append(DropPolicy(c.table, c.old))
    done = {(c.table, c.policy.name) for c in early if isinstance(c, DropPolicy)}
    for prev in old.tables:
        t = new.table(prev.schema, prev.name)
        for o in prev.policies:
            p = next((x for x in t.policies if x.name == o.name), None) if t is not None else None
            if (prev.key, o.name) not in done and (p is not None or t is None) and calls(o):
                early.append(DropPolicy(prev.key, o))
                sec.after.extend([CreatePolicy(prev.key, p)] if p is not None else [])
    return early


def policy_equal(a: Policy, b: Policy, r: SqlReader) -> bool:
    if a == b:
        return True
    return (a.name, a.as_, a.for_, a.to) == (b.name, b.as_, b.for_, b.to) and \
        r.expression_key(a.using) == r.expression_key(b.using) and \
        r.expression_key(a.with_check) == r.expression_key(b.with_check)


def _renamed_policies(prev: Table, t: Table, touched: set[tuple[TableKey, str]],
                      out: SecurityPhases) -> dict[str, Policy]:
    """`Policy(..., renamed_from=...)`: ALTER POLICY … RENAME TO when the old one is gone under its name and the
    rest can be altered (else a drop and a create say it); the old policies by their names after it."""
    old_by = {p.name: p for p in prev.policies}
    names = {p.name for p in t.policies}
    for p in t.policies:
        o = old_by.get(p.renamed_from or "")
        if o is None or p.name in old_by or o.name in names or _depends(o, t.key, touched):
            continue
        if (o.as_, o.for_) == (p.as_, p.for_) and (p.using or not o.using) and (p.with_check or not o.with_check):
            out.drops.append(RenamePolicy(t.key, o.name, p.name))
            del old_by[o.name]
            old_by[p.name] = replace(o, name=p.name)
    return old_by


def _table_security(prev: Table, t: Table, touched: set[tuple[TableKey, str]], out: SecurityPhases,
                    r: SqlReader) -> None:
    if (prev.rls, prev.force_rls) != (t.rls, t.force_rls):
        out.after.append(SetRowSecurity(t.key, (prev.rls, prev.force_rls), (t.rls, t.force_rls)))
    old_by = _renamed_policies(prev, t, touched, out)
    for p in t.policies:
        o = old_by.get(p.name)
        if o is None:
            out.after.append(CreatePolicy(t.key, p))
        elif not policy_equal(o, p, r):
            if (o.as_, o.for_) == (p.as_, p.for_) and (p.using or not o.using) and \
                    (p.with_check or not o.with_check) and not _depends(o, t.key, touched):
                out.after.append(AlterPolicy(t.key, o, p))
            else:  # ALTER POLICY changes neither its kind nor its command, nor removes a clause
                out.drops.append(DropPolicy(t.key, o))
                out.after.append(CreatePolicy(t.key, p))
        elif _depends(o, t.key, touched):
            out.drops.append(DropPolicy(t.key, o))
            out.after.append(CreatePolicy(t.key, p))
    names = {p.name for p in t.policies}
    out.drops.extend(DropPolicy(t.key, o) for o in old_by.values() if o.name not in names)


def _touched_columns(old: Schema, new: Schema) -> set[tuple[TableKey, str]]:
    """(table, column) for each column of a table in both models that is dropped or changes type."""
    out: set[tuple[TableKey, str]] = set()
    for t in new.tables:
        prev = old.table(t.schema, t.name)
        if prev is None or prev.columns == t.columns:
            continue
        for c in prev.columns:
            nc = t.column(c.name)
            if nc is None or (nc.type, nc.type_schema) != (c.type, c.type_schema):
                out.add((t.key, c.name))
    return out


def _over_rebuilt_enums(rebuilds: tuple[Any, ...]) -> set[tuple[TableKey, str]]:
    """The columns enum rebuilds convert to text and back, and each rebuilt type as `((schema, name), name)`: an
    entry `_depends` finds in a policy that names the type alone (`has_role(auth.uid(), 'admin'::user_role)`),
    which PostgreSQL holds the type for."""
    out = {(k, col.name) for r in rebuilds for k, col in r.usages}
    return out | {(r.new.key, r.new.name) for r in rebuilds}


def _depends(p: Policy, table: TableKey, touched: set[tuple[TableKey, str]]) -> bool:
    """Whether the policy may use a touched column: one of its own table, or of a table its text names."""
    text = " ".join(x for x in (p.using, p.with_check) if x)
    if not text:
        return False
    return any(mentions(text, col) and (key == table or mentions(text, key[1])) for key, col in touched)


def _by_name(old: Iterable[Any] | None, new: Iterable[Any] | None, out: SecurityPhases,
             create: Callable[[Any], Change], drop: Callable[[Any], Change],
             alter: Callable[[Any, Any], Change | None]) -> None:
    if new is None:
        return
    old_by = {x.name: x for x in old or ()}
    for n in new:
        o = old_by.get(n.name)
        if o is None:
            out.first.append(create(n))
        else:
            change = alter(o, n)
            if change is not None:
                out.first.append(change)
    if old is not None:
        names = {x.name for x in new}
        out.last.extend(drop(o) for o in reversed(list(old)) if o.name not in names)


def _extensions(old: tuple[Extension, ...] | None, new: tuple[Extension, ...] | None, out: SecurityPhases) -> None:
    def alter(o: Extension, n: Extension) -> Change | None:
        moved = n.schema is not None and o.schema is not None and n.schema != o.schema
        updated = n.version is not None and n.version != o.version
        return AlterExtension(o, n) if moved or updated else None
    _by_name(old, new, out, CreateExtension, DropExtension, alter)


def referenced_roles(model: Schema) -> set[str]:
    """The roles `model`'s policies and grants name (not `public`): a role no longer declared that these still
    name is not dropped (PostgreSQL would refuse: the policies and privileges depend on it)."""
    names = {r for t in model.tables for p in t.policies for r in p.to}
    names |= {g.grantee for g in model.security.grants or ()}
    return {n for n in names if n.lower() not in ("public", "current_user", "session_user", "current_role")}


def without_roles(model: Schema) -> Schema:
    """`model` with roles untracked: what a scratch database of a shared cluster says of them is the cluster's
    state now, not the one after a given migration (verify's steps)."""
    from dataclasses import replace

    return model if model.security.roles is None else replace(model, security=replace(model.security, roles=None))


def _roles(old: tuple[Role, ...] | None, new: tuple[Role, ...] | None, out: SecurityPhases) -> None:
    _by_name(old, new, out, CreateRole, DropRole, lambda o, n: AlterRole(o, n) if o != n else None)


def _grants(old: Schema, new: Schema, out: SecurityPhases, remade: frozenset[tuple[str, ...]] = frozenset()) -> None:
    """Privileges granted and revoked. A view dropped and made again in the same migration (`remade`) has lost
    every grant: they are all granted again. A table privilege revoked takes that privilege on each column along
    (PostgreSQL's REVOKE on a table does): the column privileges of it that stay are granted again."""
    og, ng = old.security.grants, new.security.grants
    if ng is None:
        return
    old_by = {g.key: g for g in og or () if not (g.on == "view" and (g.schema, g.name) in remade)}
    revoked: set[tuple[str, str, str, str, str]] = set()  # (on, schema, name, grantee, privilege)
    if og is not None:
        new_by = {g.key: g for g in ng}
        for g in og:
            gone = tuple(sorted(set(g.privileges) - set(new_by[g.key].privileges if g.key in new_by else ())))
            if gone and g.key in old_by and _target_stays(g, new):
                out.drops.append(RevokePrivileges(g.with_privileges(gone)))
                if g.column is None:
                    revoked |= {(g.on, g.schema, g.name, g.grantee, p) for p in gone}  # with or without option
    for g in ng:
        had = set(old_by[g.key].privileges) if g.key in old_by else set()
        if g.column is not None:  # what a table-level REVOKE took from the column along
            had -= {p for p in g.privileges if (g.on, g.schema, g.name, g.grantee, p) in revoked}
        added = tuple(sorted(set(g.privileges) - had))
        if added:
            out.after.append(GrantPrivileges(g.with_privileges(added)))


def _target_stays(g: Grant, new: Schema) -> bool:
    """A grant on an object dropped in the same migration goes with it (a column privilege with its column)."""
    if g.on == "table":
        t = new.table(g.schema, g.name)
        return t is not None and (g.column is None or t.column(g.column) is not None)
    if g.on == "view":
        return any(v.key == (g.schema, g.name) for v in new.objects.views)
    if g.on == "sequence":  # a declared sequence, or a serial's or an identity's own
        return any(s.key == (g.schema, g.name) for s in new.sequences) or (g.schema, g.name) in _own_sequences(new)
    return g.name == "public" or g.name in new.schemas


def _own_sequences(model: Schema) -> set[tuple[str, str]]:
    """The sequences the server makes for serial and identity columns: (schema, name)."""
    out = set()
    for t in model.tables:
        for c in t.columns:
            if c.is_serial or c.identity is not None:
                name = c.identity.sequence_name if c.identity is not None and c.identity.sequence_name else None
                out.add((t.schema, name or serial_sequence_name(t.name, c.name)))
    return out


def comparable_security(expected: Schema, actual: Schema) -> tuple[Schema, Schema]:
    """For a comparison (drift, verify, generate --check): a kind one side does not track is compared on
    neither; an extension's schema or version `expected` leaves open is the one `actual` has."""
    from dataclasses import replace

    e, a = expected.security, actual.security
    kinds = {k: (getattr(e, k), getattr(a, k)) for k in ("extensions", "roles", "grants")}
    untracked = {k: None for k, (x, y) in kinds.items() if x is None or y is None}
    if untracked:
        e, a = replace(e, **untracked), replace(a, **untracked)
    if e.roles is not None and a.roles is not None:  # a database reads only the roles its policies and grants
        both = {r.name for r in e.roles} & {r.name for r in a.roles}  # name: compare those both sides have
        e = replace(e, roles=tuple(r for r in e.roles if r.name in both))
        a = replace(a, roles=tuple(r for r in a.roles if r.name in both))
    if e.extensions and a.extensions:
        theirs = {x.name: x for x in a.extensions}
        e = replace(e, extensions=tuple(
            replace(x, schema=x.schema or theirs[x.name].schema, version=x.version or theirs[x.name].version)
            if x.name in theirs else x for x in e.extensions))
    if (e, a) == (expected.security, actual.security):
        return expected, actual
    return replace(expected, security=e), replace(actual, security=a)


def fold_into_tables(changes: list[Change]) -> list[Change]:
    """For a description (drift, verify): a new table's row-level security and policies are part of its
    "+ table" line, not lines of their own."""
    from .changes import CreateTable

    made = {c.table.key for c in changes if isinstance(c, CreateTable)}
    if not made:
        return changes
    return [c for c in changes if not (isinstance(c, (SetRowSecurity, CreatePolicy)) and c.table in made)]
