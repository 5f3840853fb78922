"""The entities the schema code registers with alembic_utils for Alembic's autogenerate (`register_entities`:
PGFunction, PGTrigger, PGExtension, PGView, …): mizzle does not read them, so each one the code does not also
declare with mizzle.pg is named, one line each, beside the DDL listeners `create_all` would run."""

from __future__ import annotations

import sys

from ..schema.model import Schema

# alembic_utils' class → (the kind `declared_names` gives a mizzle.pg object of it, the word, mizzle.pg's class)
_KINDS = {"PGFunction": ("routine", "function", "Function"), "PGProcedure": ("routine", "procedure", "Procedure"),
          "PGTrigger": ("trigger", "trigger", "Trigger"), "PGView": ("view", "view", "View"),
          "PGMaterializedView": ("view", "materialized view", "View(…, materialized=True)"),
          "PGExtension": ("extension", "extension", "Extension"), "PGPolicy": ("policy", "policy", "Policy"),
          "PGGrantTable": ("grant", "grant", "Grant")}


def registered_entities(model: Schema, declared: frozenset[tuple[str, str]]) -> list[str]:
    """One line per entity alembic_utils' registry holds (none where no module imported alembic_utils) whose kind
    and name `declared` (`declared_names`) and the model's extensions do not have."""
    registry = getattr(sys.modules.get("alembic_utils.replaceable_entity"), "registry", None)
    entities = getattr(registry, "entities", None)
    if entities is None:
        return []
    known = declared | {("extension", e.name) for e in model.security.extensions or ()}
    out = []
    for entity in entities():
        kind, word, declare = _KINDS.get(type(entity).__name__, (None, type(entity).__name__, None))
        signature = str(getattr(entity, "signature", ""))
        if (kind, signature.split("(")[0].strip().strip('"')) in known:
            continue
        on = getattr(entity, "on_entity", None) if kind in ("trigger", "policy") else None
        advice = (f"declare it with mizzle.pg.{declare} (`mizzle pull` writes the declaration from a database that "
                  "has it)" if declare else "write it into a migration (`mizzle generate --custom`)")
        out.append(f"{word} {getattr(entity, 'schema', 'public')}.{signature}{f' on {on}' if on else ''}, registered "
                   f"with alembic_utils' register_entities: Alembic's autogenerate makes it, mizzle's migrations do "
                   f"not — {advice}")
    return out
