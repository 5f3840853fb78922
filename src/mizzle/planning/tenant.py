"""A tenant folder's SQL (`tenant_schema` in the config): the statements `generate` planned, with the tenant
schema's names written unqualified, so that one migration applies into every tenant schema through the
`search_path` the fleet runner sets (`NAME, public`); names of every other schema (shared tables) stay qualified.

The rewrite is textual and exact: the placeholder is written as mizzle quotes it (`"tenant".`), and only that
form is removed. Anything else that still names the placeholder schema (a string literal such as a `nextval`
argument, SQL the schema code wrote itself) is reported, never left to fail on the second tenant."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any


def quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def for_tenant(statements: list[Any], schema: str) -> tuple[list[Any], list[str]]:
    """`statements` (PlannedStatement) for a tenant folder, and a warning per statement that still names
    `schema`. `CREATE SCHEMA` of the placeholder is left out: the runner creates each tenant's schema."""
    prefix = quoted(schema) + "."
    creates = {f"CREATE SCHEMA {quoted(schema)}", f"CREATE SCHEMA IF NOT EXISTS {quoted(schema)}"}
    left = re.compile(rf"(?<![\w$\"]){re.escape(schema)}\.|{re.escape(quoted(schema))}")
    out, warnings = [], []
    for s in statements:
        if s.sql.strip().rstrip(";") in creates:
            continue
        sql = s.sql.replace(prefix, "")
        if found := left.search(sql):
            line = next(x for x in sql.splitlines() if found.group(0) in x).strip()[:120]
            warnings.append(f"tenant folder: a statement still names the tenant schema {schema!r} and will not "
                            f"follow each tenant's search_path; edit it by hand: {line}")
        out.append(replace(s, sql=sql) if sql != s.sql else s)
    return out, warnings


def outside(model: Any, schema: str) -> list[str]:
    """Tables, enums and sequences of `model` in another schema than the tenant one: a tenant folder runs once per
    tenant, so it would create them once per tenant (the second run fails: they exist)."""
    return [f"{x.schema}.{x.name}" for x in (*model.tables, *model.enums, *model.sequences) if x.schema != schema]


def refuse_tenant_folder(config: Any, what: str) -> None:
    """`what` (verify, push, pull, baseline, check --rebuild-snapshots) works on one database's own schemas: a
    tenant folder's migrations run in a tenant's search_path next to shared tables it does not create."""
    schema = getattr(config, "tenant_schema", None)
    if schema:
        from ..errors import UsageError

        raise UsageError(f"{what} does not work on a tenant folder (`tenant_schema` = {schema!r} in "
                         f"{getattr(config, 'source_name', 'the config')}) yet",
                         "Run it with the database's own config; compare tenants with "
                         "`mizzle drift --targets FILE` or `--fleet NAME`.")
