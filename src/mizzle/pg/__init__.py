"""PostgreSQL objects beyond tables, declared in Python beside the SQLAlchemy MetaData of a schema module and
found the way the MetaData is (any module-level `PgObject`): see docs/reference/postgres-objects.md.

    from mizzle.pg import Extension, Policy, Role, Grant, enable_rls, View, Function, Trigger
"""

from __future__ import annotations

from .base import PgObject
from .objects import CompositeType, Domain, Function, Procedure, Trigger, View, ViewIndex
from .security import Extension, Grant, Policy, Role, enable_rls, force_rls

__all__ = ["PgObject", "Extension", "Grant", "Policy", "Role", "enable_rls", "force_rls", "CompositeType", "Domain", "Function",
           "Procedure", "Trigger", "View", "ViewIndex"]
