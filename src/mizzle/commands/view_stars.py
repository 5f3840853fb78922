"""A view's `*` as the server keeps it: written out, when the view is made, as the columns its tables have then.
A snapshot keeps the query as the author wrote it (drizzle-kit's `select * from users`), so a later snapshot, whose
`users` has a column added since, states a query the server never held. verify and drift compare such a view's
query with its `*` written out as the columns of the snapshot of the migration whose SQL made the view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import dialects
from ..schema.model import Schema
from ..schema.objects import View, make_objects

if TYPE_CHECKING:
    from ..dialects.base import SqlReader
    from ..migrations.folder import Migration

Key = tuple[str, ...]


def _star_views(model: Schema, rd: SqlReader) -> list[View]:
    return [v for v in model.objects.views if rd.reads_every_column(v.definition)]


def _as_made(v: View, then: Schema, live: Schema, rd: SqlReader) -> View:
    """`v` with its `*` written out as the columns its tables have in `then` (the snapshot of the migration that
    made it), in the order the database has them (`live`: a column added to a table comes last there, wherever the
    snapshot lists it)."""

    def columns(schema: str, name: str) -> list[str] | None:
        t = then.table(schema, name)
        if t is None:
            return None
        now = live.table(schema, name)
        order = {c.name: i for i, c in enumerate(now.columns)} if now is not None else {}
        return sorted((c.name for c in t.columns), key=lambda n: order.get(n, len(order)))

    return replace(v, definition=rd.expand_stars(v.definition, v.schema, columns))


def _with_views(model: Schema, views: dict[Key, View]) -> Schema:
    if not views:
        return model
    return model.with_(objects=make_objects([views.get(o.key, o) if isinstance(o, View) else o
                                             for o in model.objects.all()]))


@dataclass
class StarViews:
    """verify's replay, one migration after another: each view reading `*`, the query its snapshot states and the
    snapshot of the migration whose SQL made it (or where it first stood with that query)."""

    dialect: str
    made: dict[Key, tuple[str, Schema]] = field(default_factory=dict)

    def step(self, expected: Schema | None, sql: Callable[[], str], live: Schema) -> Schema | None:
        """The step's snapshot `expected` with the `*` of each view made by an earlier migration written out as its
        tables' columns were then; `sql`: the step's SQL."""
        rd = dialects.get(self.dialect).reader
        if expected is None:  # no snapshot to say what a view made here read: found again where it next stands
            for k in rd.views_made(sql()) if self.made else ():
                self.made.pop(k, None)
            return expected
        stars = _star_views(expected, rd)
        self.made = {v.key: self.made[v.key] for v in stars if v.key in self.made}
        made_now = rd.views_made(sql()) if stars else frozenset()
        out: dict[Key, View] = {}
        for v in stars:
            was = self.made.get(v.key)
            if was is None or was[0] != v.definition or v.key in made_now:
                self.made[v.key] = (v.definition, expected)
            else:
                out[v.key] = _as_made(v, was[1], live, rd)
        return _with_views(expected, out)


def as_made(expected: Schema, live: Schema, migrations: list[Migration], last: Migration | None,
            load: Callable[[Migration], Schema | None]) -> Schema:
    """drift: the snapshot of `last` (the last migration applied), `expected`, with the `*` of each view an earlier
    migration's SQL made (the latest to make it) written out as its tables' columns were in that migration's
    snapshot (`load`: a migration's snapshot, None where it has none), where that snapshot states the same query."""
    rd = dialects.get(expected.dialect).reader
    stars = _star_views(expected, rd)
    if not stars or last is None:
        return expected
    makes = [(m, rd.views_made(m.text) if m.exists else frozenset())
             for m in reversed(migrations[:migrations.index(last) + 1])]
    out: dict[Key, View] = {}
    for v in stars:
        maker = next((m for m, keys in makes if v.key in keys), last)
        then = load(maker) if maker is not last else None
        was = next((w for w in then.objects.views if w.key == v.key), None) if then is not None else None
        if then is not None and was is not None and was.definition == v.definition:
            out[v.key] = _as_made(v, then, live, rd)
    return _with_views(expected, out)
