"""Objects beyond tables ↔ snapshot JSON: views in drizzle-kit's own `views` field (its v7 shape: name, schema,
columns, definition, materialized, with, isExisting, withNoData, using, tablespace); what drizzle-kit has no
field for (materialized-view indexes and comments, functions and procedures, triggers, domains, composite types) in mizzle's
sidecar (`meta/_mizzle.json`), under the snapshot's id."""

from __future__ import annotations

import json
from typing import Any

from ...schema.objects import (
    CompositeType,
    Domain,
    Objects,
    Routine,
    Trigger,
    View,
    ViewIndex,
    make_objects,
)

# drizzle-kit's `with` keys of a view (0.31 `mergedViewWithOption`), in its camelCase
_DRIZZLE_WITH = ("checkOption", "securityBarrier", "securityInvoker", "fillfactor", "toastTupleTarget",
                 "parallelWorkers", "autovacuumEnabled", "vacuumIndexCleanup", "vacuumTruncate",
                 "autovacuumVacuumThreshold", "autovacuumVacuumScaleFactor", "autovacuumVacuumCostDelay",
                 "autovacuumVacuumCostLimit", "autovacuumFreezeMinAge", "autovacuumFreezeMaxAge",
                 "autovacuumFreezeTableAge", "autovacuumMultixactFreezeMinAge", "autovacuumMultixactFreezeMaxAge",
                 "autovacuumMultixactFreezeTableAge", "logAutovacuumMinDuration", "userCatalogTable")


def _snake(key: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in key)


_TO_CAMEL = {_snake(k): k for k in _DRIZZLE_WITH}


def _value_to_json(v: str) -> Any:
    if v in ("true", "false"):
        return v == "true"
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def _value_from_json(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def objects_from_snapshot(data: dict[str, Any], side: dict[str, Any]) -> tuple[Objects, dict[str, Any]]:
    """The objects of a snapshot and its sidecar entry, and the drizzle views mizzle does not manage
    (`isExisting`: declared in drizzle-kit as already there), to carry forward as they are."""
    carried: dict[str, Any] = {}
    side_views = side.get("views", {})
    items: list[Any] = []
    for key, v in (data.get("views") or {}).items():
        if v.get("isExisting") or v.get("definition") is None:
            carried[key] = v
            continue
        schema = v.get("schema") or "public"
        extra = side_views.get(f"{schema}.{v['name']}", {})
        options = [(_snake(k), _value_from_json(x)) for k, x in (v.get("with") or {}).items()]
        options += [(k, str(x)) for k, x in extra.get("options", {}).items()]
        items.append(View(name=v["name"], definition=v["definition"], schema=schema,
                          materialized=bool(v.get("materialized")), options=tuple(options),
                          indexes=tuple(ViewIndex(**i) for i in extra.get("indexes", ())),
                          with_no_data=bool(v.get("withNoData")), comment=extra.get("comment"),
                          using=v.get("using") if v.get("materialized") else None))
    objs = side.get("objects", {})
    items += [Routine(**{**r, "config": tuple(map(tuple, r.get("config", ())))}) for r in objs.get("routines", ())]
    items += [Trigger(**{**t, "events": tuple(t["events"]), "args": tuple(t.get("args", ()))})
              for t in objs.get("triggers", ())]
    items += [Domain(**{**d, "checks": tuple(map(tuple, d.get("checks", ())))}) for d in objs.get("domains", ())]
    items += [CompositeType(**{**c, "attributes": tuple(map(tuple, c["attributes"]))})
              for c in objs.get("composites", ())]
    return make_objects(items), carried


def _view_to_json(v: View) -> tuple[dict[str, Any], dict[str, Any]]:
    # drizzle-kit 0.31's key order (its snapshot's view object): columns, definition, name, schema, isExisting,
    # with, withNoData, materialized, tablespace, using
    d: dict[str, Any] = {"columns": {}, "definition": v.definition, "name": v.name, "schema": v.schema,
                         "isExisting": False}
    known = {_TO_CAMEL[k]: _value_to_json(x) for k, x in v.options if k in _TO_CAMEL}
    if known:
        d["with"] = known
    if v.with_no_data:
        d["withNoData"] = True
    d["materialized"] = v.materialized
    if v.using:
        d["using"] = v.using
    side: dict[str, Any] = {}
    if v.indexes:
        side["indexes"] = [dict(i.__dict__) for i in v.indexes]
    other = {k: x for k, x in v.options if k not in _TO_CAMEL}
    if other:
        side["options"] = other
    if v.comment is not None:
        side["comment"] = v.comment
    return d, side


# fields written only when set (True), so that snapshots written before them stay as they were
_ONLY_WHEN_SET = frozenset({"constraint", "deferrable", "initially_deferred", "old_table", "new_table"})


def _fields(o: Any) -> dict[str, Any]:
    # tuples as lists; a declared rename is the declaration's, not the snapshot's
    return json.loads(json.dumps({k: v for k, v in o.__dict__.items()
                                  if k != "renamed_from" and (v or k not in _ONLY_WHEN_SET)}))


def objects_to_snapshot(objects: Objects) -> tuple[dict[str, Any], dict[str, Any]]:
    """(drizzle-kit's `views` section, the sidecar entry's additions: `views` and `objects`)."""
    views: dict[str, Any] = {}
    side_views: dict[str, Any] = {}
    for v in objects.views:
        views[f"{v.schema}.{v.name}"], extra = _view_to_json(v)
        if extra:
            side_views[f"{v.schema}.{v.name}"] = extra
    side: dict[str, Any] = {}
    if side_views:
        side["views"] = side_views
    rest = {name: [_fields(o) for o in group] for name, group in (
        ("routines", objects.routines), ("triggers", objects.triggers), ("domains", objects.domains),
        ("composites", objects.composites)) if group}
    if rest:
        side["objects"] = rest
    return views, side
