"""A view's `t.*` is the columns it stood for when compared offline. supabase-community/chatgpt-your-files
(supabase/migrations/20231006212813_documents.sql) makes `create view documents_with_storage_path with
(security_invoker=true) as select documents.*, storage.objects.name as storage_object_path from documents join
storage.objects on storage.objects.id = documents.storage_object_id`. Built into a custom-SQL folder, the rebuilt
snapshot keeps that text (the star, while documents keeps its columns); the module pull wrote holds the server's
`SELECT documents.id, documents.name, …`, and `generate --check` reported the view as changed, with its three
grants made again (drift and verify, which ask the server, were clean)."""

from __future__ import annotations

from mizzle.dialects.postgres.view_deps import expand_stars
from mizzle.schema.diff import diff
from mizzle.schema.model import Column, Schema, Table
from mizzle.schema.objects import Objects, View

AUTHORED = ("select documents.*, storage.objects.name as storage_object_path\n  from documents\n  join storage.objects"
            "\n    on storage.objects.id = documents.storage_object_id")
STORED = ("SELECT documents.id, documents.name, documents.storage_object_id, documents.created_by,\n"
          "    objects.name AS storage_object_path\n   FROM (documents\n     JOIN storage.objects ON "
          "((objects.id = documents.storage_object_id)))")
DOCUMENTS = Table("documents", columns=tuple(Column(c, "text") for c in ("id", "name", "storage_object_id",
                                                                          "created_by")))


def _schema(definition: str, table: Table = DOCUMENTS) -> Schema:
    return Schema(tables=(table,), objects=Objects(views=(View("documents_with_storage_path", definition),)))


def test_a_star_the_snapshot_keeps_is_the_column_list_the_server_stores() -> None:
    assert not diff(_schema(AUTHORED), _schema(STORED)).changes


def test_a_star_over_other_columns_is_still_a_change() -> None:
    fewer = Table("documents", columns=DOCUMENTS.columns[:3])
    assert diff(_schema(AUTHORED, fewer), _schema(STORED, fewer)).changes


def test_a_star_it_cannot_expand_exactly_is_left_as_written() -> None:
    def columns(schema: str, name: str) -> list[str] | None:
        return ["a", "b"] if name == "t" else None

    assert expand_stars("select * from t join u using (a)", "public", columns) == "select * from t join u using (a)"
    assert expand_stars("select u.* from t join u on true", "public", columns) == "select u.* from t join u on true"
    assert expand_stars("select x.* from t x", "public", columns) == "SELECT x.a, x.b FROM t AS x"
