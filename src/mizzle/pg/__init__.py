"""PostgreSQL objects beyond tables, declared beside the MetaData in the schema modules (see
docs/reference/postgres-objects.md)."""

from .objects import CompositeType, Domain, Function, Procedure, Trigger, View, ViewIndex  # noqa: F401
