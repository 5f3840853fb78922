"""Security facts ↔ drizzle-kit's v7 snapshot fields (a table's `isRLSEnabled` and `policies`, the top-level
`roles`) and mizzle's sidecar (`meta/_mizzle.json`: extensions, grants, forced RLS — drizzle-kit has no field
for them)."""

from __future__ import annotations

from typing import Any

from ...schema.security import Extension, Grant, Policy, Role, Security, canonical_policy, make_security


def policies_from_json(policies: dict[str, Any] | None) -> tuple[Policy, ...]:
    out = []
    for p in (policies or {}).values():
        out.append(canonical_policy(Policy(
            name=p["name"], as_=p.get("as") or "PERMISSIVE", for_=p.get("for") or "ALL",
            to=tuple(p.get("to") or ("public",)), using=p.get("using"), with_check=p.get("withCheck"))))
    return tuple(out)


def policies_to_json(policies: tuple[Policy, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in policies:
        d: dict[str, Any] = {"name": p.name, "as": p.as_, "for": p.for_, "to": list(p.to)}
        if p.using is not None:
            d["using"] = p.using
        if p.with_check is not None:
            d["withCheck"] = p.with_check
        out[p.name] = d
    return out


def security_from_json(data: dict[str, Any], side: dict[str, Any]) -> Security:
    """Roles from drizzle-kit's `roles`, extensions and grants from the sidecar entry; each tracked when there
    are some (none recorded reads as not tracked: there is nothing to drop)."""
    roles = None
    if isinstance(data.get("roles"), dict) and data["roles"]:
        roles = [Role(r["name"], bool(r.get("createDb")), bool(r.get("createRole")), bool(r.get("inherit", True)))
                 for r in data["roles"].values()]
    extensions = None
    if "extensions" in side:
        extensions = [Extension(e["name"], e.get("schema"), e.get("version")) for e in side["extensions"]]
    grants = None
    if "grants" in side:
        grants = [Grant(g["on"], g["schema"], g["name"], g["grantee"], tuple(sorted(g["privileges"])),
                        bool(g.get("grantOption")), g.get("column"))
                  for g in side["grants"]]
    return make_security(extensions, roles, grants)


def roles_to_json(security: Security) -> dict[str, Any]:
    return {r.name: {"name": r.name, "createDb": r.create_db, "createRole": r.create_role, "inherit": r.inherit}
            for r in security.roles or ()}


def security_sidecar(security: Security) -> dict[str, Any]:
    side: dict[str, Any] = {}
    if security.extensions:  # none: the key is left out (read back as "not tracked", see diff_security)
        side["extensions"] = [{k: v for k, v in (("name", e.name), ("schema", e.schema), ("version", e.version))
                               if v is not None} for e in security.extensions]
    if security.grants:
        side["grants"] = [{"on": g.on, "schema": g.schema, "name": g.name, "grantee": g.grantee,
                           "privileges": list(g.privileges), **({"grantOption": True} if g.grant_option else {}),
                           **({"column": g.column} if g.column is not None else {})}
                          for g in security.grants]
    return side
