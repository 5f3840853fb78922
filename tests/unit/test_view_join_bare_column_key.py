"""A view reading a join names a column alone: webstudio-is/webstudio's Prisma migration
20250322141808_user_publish_count makes `CREATE OR REPLACE VIEW user_publish_count AS SELECT DISTINCT "userId" AS
user_id, count(*) FROM "Build" LEFT JOIN "Project" ON "Project".id="Build"."projectId" WHERE … GROUP BY "userId"`
(rewritten shorter here). The server stores `"Project"."userId"`, which the module `pull` writes, while the rebuilt
snapshot keeps the migration's text: `generate --check` reported `~ view user_publish_count: definition`. Offline,
the tables of the schema compared say which relation has the column."""

from __future__ import annotations

from mizzle.dialects.postgres.view_deps import expand_stars
from mizzle.schema.diff import diff
from mizzle.schema.model import Column, Schema, Table
from mizzle.schema.objects import Objects, View

AUTHORED = ('SELECT DISTINCT "userId" AS user_id, count(*)\nFROM "Build"\nLEFT JOIN "Project" ON '
            '"Project".id="Build"."projectId"\nWHERE "Build".deployment IS NOT NULL\nGROUP BY "userId"')
STORED = (' SELECT DISTINCT "Project"."userId" AS user_id,\n    count(*) AS count\n   FROM ("Build"\n     LEFT JOIN '
          '"Project" ON (("Project".id = "Build"."projectId")))\n  WHERE ("Build".deployment IS NOT NULL)\n'
          '  GROUP BY "Project"."userId";')


def _tables(project: tuple[str, ...] = ("id", "userId", "title")) -> tuple[Table, ...]:
    return (Table("Build", columns=tuple(Column(c, "text") for c in ("id", "projectId", "deployment"))),
            Table("Project", columns=tuple(Column(c, "text") for c in project)))


def _schema(definition: str, tables: tuple[Table, ...]) -> Schema:
    return Schema(tables=tables, objects=Objects(views=(View("user_publish_count", definition),)))


def test_a_bare_column_of_a_join_is_the_one_table_that_has_it() -> None:
    assert not diff(_schema(AUTHORED, _tables()), _schema(STORED, _tables())).changes


def test_another_table_holding_it_is_still_a_change() -> None:
    # `userId` in Build alone: the author's query reads Build's, the stored one Project's
    build_has_it = (Table("Build", columns=tuple(Column(c, "text") for c in ("id", "projectId", "deployment",
                                                                             "userId"))),
                    Table("Project", columns=(Column("id", "text"), Column("userId", "text"))))
    assert diff(_schema(AUTHORED, build_has_it), _schema(STORED, build_has_it)).changes
    only_build = (Table("Build", columns=tuple(Column(c, "text") for c in ("id", "projectId", "deployment",
                                                                           "userId"))),
                  Table("Project", columns=(Column("id", "text"),)))
    assert diff(_schema(AUTHORED, only_build), _schema(STORED, only_build)).changes


def test_names_it_cannot_tell_are_left_alone() -> None:
    def columns(schema: str, name: str) -> list[str] | None:
        return {"a": ["id", "x"], "b": ["id", "y"]}.get(name)

    # a name both tables have (the server refuses it), a table it does not know, a nested SELECT's own names,
    # an ORDER BY naming an output column
    assert expand_stars("select id from a join b on true", "public", columns) == "select id from a join b on true"
    assert expand_stars("select y from a join c on true", "public", columns) == "select y from a join c on true"
    assert expand_stars("select x, (select y from b) from a join b on true order by x", "public", columns) == \
        "SELECT a.x, (SELECT y FROM b) FROM a INNER JOIN b ON TRUE ORDER BY x"
    assert expand_stars("select y from a", "public", columns) == "select y from a"
