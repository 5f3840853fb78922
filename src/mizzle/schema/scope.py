"""What a command manages of a database (`Scope`): the schemas and tables the config names, the tracking tables
left out. Dialect-neutral: every dialect's introspection reads only what the scope wants, and a model from
elsewhere (a snapshot) is cut down to it to compare with an introspected one."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Schema
    from .security import Grant


@dataclass(frozen=True)
class Scope:
    """What to introspect. `schemas` empty: every user schema except `exclude_schemas`. `tables`: glob
    patterns (drizzle-kit's tablesFilter: `*`, `?`, a leading `!` excludes), matched against `name` and
    `schema.name`. `exclude_tables` are (schema, name) pairs never reported (the tracking tables).
    `tracking_schema`: the schema the tracking tables are in; what else it holds is in scope (zoriya/Kyoo's
    drizzle config puts `__drizzle_migrations` in its own `kyoo` schema), but the schema itself is reported only
    while it holds something in scope, as drizzle-kit's filterMigrationsSchema does (see `settled`)."""

    schemas: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    exclude_tables: tuple[tuple[str, str], ...] = ()
    tracking_schema: str | None = None

    def wants_table(self, schema: str, name: str) -> bool:
        if (schema, name) in self.exclude_tables:
            return False
        if not self.tables:
            return True
        include = [p for p in self.tables if not p.startswith("!")]
        exclude = [p[1:] for p in self.tables if p.startswith("!")]
        names = (name, f"{schema}.{name}")
        if include and not any(fnmatch.fnmatchcase(n, p) for p in include for n in names):
            return False
        return not any(fnmatch.fnmatchcase(n, p) for p in exclude for n in names)


    def wants_schema(self, schema: str) -> bool:
        return schema in self.schemas if self.schemas else schema not in self.exclude_schemas

    def restrict(self, model: Schema) -> Schema:
        """`model` (e.g. a snapshot's) cut down to this scope, so it compares with an introspected one."""
        return self.settled(model.with_(
            tables=[t for t in model.tables if self.wants_schema(t.schema) and self.wants_table(t.schema, t.name)],
            enums=[e for e in model.enums if self.wants_schema(e.schema)],
            sequences=[q for q in model.sequences if self.wants_schema(q.schema)],
            schemas=[x for x in model.schemas if self.wants_schema(x)],
            objects=model.objects.where(lambda o: self.wants_schema(o.schema))))

    def settled(self, model: Schema) -> Schema:
        """`model` without the tracking schema in its schemas when nothing in scope is in it (mizzle's and
        drizzle-orm's tracking schema `drizzle`, which only the tracking tables are in)."""
        ts = self.tracking_schema
        if ts is None or ts not in model.schemas or self.schemas or self._holds(model, ts):
            return model
        return model.with_(schemas=[x for x in model.schemas if x != ts])

    def wants_grant(self, g: Grant, model: Schema) -> bool:
        """Not a grant of the tracking machinery: on a sequence of a tracking table (`__drizzle_migrations_id_seq`),
        or on the tracking schema itself while nothing in scope is in it."""
        ts = self.tracking_schema
        if ts is None or self.schemas or g.schema != ts:
            return True
        if g.on == "sequence":
            return not any(g.name.startswith(f"{name}_") for schema, name in self.exclude_tables if schema == ts)
        return g.on != "schema" or self._holds(model, ts)

    @staticmethod
    def _holds(model: Schema, schema: str) -> bool:
        return any(x.schema == schema for x in (*model.tables, *model.enums, *model.sequences, *model.objects.all()))

    def with_outside(self, old: Schema, new: Schema) -> Schema:
        """`new` (a model of this scope: the schema code's, a database's) with what `old` (a snapshot's) holds in
        the schemas an explicit `schema_filter` leaves out: not this scope's to drop or compare, so carried forward
        as it is. onlook's drizzle-kit snapshots hold Supabase's `auth.users` under `schemaFilter: ["public"]`."""
        if not self.schemas:
            return new

        def outside(items: Any) -> list[Any]:
            return [x for x in items if x.schema not in self.schemas]

        tables, enums, sequences, objects = (outside(old.tables), outside(old.enums), outside(old.sequences),
                                             outside(old.objects.all()))
        schemas = [x for x in old.schemas if x not in self.schemas]
        if not (tables or enums or sequences or schemas or objects):
            return new
        from .objects import make_objects

        return new.with_(tables=[*new.tables, *tables], enums=[*new.enums, *enums],
                         sequences=[*new.sequences, *sequences], schemas=[*new.schemas, *schemas],
                         objects=make_objects([*new.objects.all(), *objects]))
