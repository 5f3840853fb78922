"""A view's query keyed offline (generate, check): a column named by the one relation of its SELECT is that column.
webstudio-is/webstudio's Prisma folder writes `SELECT id, title, … (SELECT EXISTS (SELECT 1 FROM "Build" WHERE
"projectId" = "Project".id …)) FROM "Project"` and `SELECT tl."userId" … FROM "TransactionLog" AS tl`; the server
prints `"Project".id`, `"Build"."projectId"`, `tl."userId"`. The rebuilt snapshots keep the migrations' text, the
pulled module the server's: generate --check with that module reported '~ view DashboardProject: definition …' for
three views the database holds exactly as the snapshots say (verify and drift, asking the server, found none)."""

from __future__ import annotations

from mizzle.dialects.postgres.view_deps import query_key


def test_a_column_named_by_the_one_relation_of_its_select_is_that_column() -> None:
    authored = ('SELECT id, title, EXISTS (SELECT 1 FROM "Build" WHERE "projectId" = "Project".id '
                'AND deployment IS NOT NULL) AS "isPublished" FROM "Project"')
    stored = ('SELECT "Project".id, "Project".title, (EXISTS ( SELECT 1 FROM "Build" WHERE (("Build"."projectId" = '
              '"Project".id) AND ("Build".deployment IS NOT NULL)))) AS "isPublished" FROM "Project"')
    assert query_key(authored) == query_key(stored)
    assert query_key('SELECT tl."userId" FROM "TransactionLog" AS tl WHERE tl.status = 1') == query_key(
        'SELECT "userId" FROM "TransactionLog" tl WHERE status = 1')


def test_an_outer_relations_column_in_a_subquery_keeps_its_relation() -> None:
    # "Project".id in the subquery is the outer row's: without its relation it would be "Build"'s id
    outer = 'SELECT id FROM "Project" WHERE EXISTS (SELECT 1 FROM "Build" WHERE "Build".pid = "Project".id)'
    inner = 'SELECT id FROM "Project" WHERE EXISTS (SELECT 1 FROM "Build" WHERE "Build".pid = "Build".id)'
    assert query_key(outer) != query_key(inner)
    # a join: two relations, each column keeps its relation
    assert (query_key('SELECT a.id FROM a JOIN b ON b.aid = a.id')
            != query_key('SELECT b.id FROM a JOIN b ON b.aid = a.id'))
