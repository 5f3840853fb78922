"""A numeric column's default in a v7 snapshot mizzle writes, where the model holds the server's spelling (pull, and
`check --rebuild-snapshots` for SQL a person wrote): drizzle-kit 0.31 states `numeric().default("0.00")` as
`'0.00'` (tests/interop/pg_types: `c_numeric` `'9.99'`), and its own `pull` writes the server's `0.00` so too.
elizaOS/cloud's hand-written 0015_add_container_billing_fields (`ADD COLUMN … total_billed NUMERIC(10, 2) DEFAULT
'0.00'`) was rebuilt as `0.00`, which no drizzle-kit schema code states (a JSON number 0.00 is 0, the server's
`0`): drizzle-kit's next generate would set the default again. A number JSON keeps as written stays a number
(`numeric({ mode: 'number' }).default(1.25)`). No server."""

from __future__ import annotations

from mizzle.migrations.snapshots import schema_from_snapshot, snapshot_from_schema
from mizzle.schema.model import Column, PrimaryKey, Table, make_schema


def _defaults(**cols: str) -> dict[str, object]:
    table = Table("t", columns=(Column("id", "integer", not_null=True),
                                *(Column(n, "numeric(10, 2)", default=d) for n, d in cols.items())),
                  primary_key=PrimaryKey(("id",)))
    snap, _ = snapshot_from_schema(make_schema("postgresql", tables=[table]))
    return {n: c.get("default") for n, c in snap["tables"]["public.t"]["columns"].items() if n != "id"}


def test_a_numeric_default_json_cannot_keep_is_drizzle_kits_quoted_literal() -> None:
    assert _defaults(a="0.00", b="10.50", c="-3.10") == {"a": "'0.00'", "b": "'10.50'", "c": "'-3.10'"}


def test_a_numeric_default_json_keeps_stays_a_number_and_a_quoted_one_as_it_is() -> None:
    assert _defaults(a="1.25", b="0", c="'9.99'") == {"a": 1.25, "b": 0, "c": "'9.99'"}


def test_the_quoted_default_reads_back_as_the_same_column() -> None:
    table = Table("t", columns=(Column("id", "integer", not_null=True), Column("a", "numeric(10, 2)", default="0.00")),
                  primary_key=PrimaryKey(("id",)))
    snap, _ = snapshot_from_schema(make_schema("postgresql", tables=[table]))
    (back,) = schema_from_snapshot(snap).tables
    assert back.columns[1].default in ("0.00", "'0.00'")
