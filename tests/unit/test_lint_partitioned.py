"""Lint's locking advice on a partitioned table (GitLab's p_ci_stages, hash-partitioned namespace_descendants):
PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY, ADD CONSTRAINT … USING INDEX and a NOT VALID foreign key
there, so MZ203–MZ206 must not advise them; they name what works (what `generate --online` writes for an index)."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file
from mizzle.schema.model import Column, Index, IndexColumn, Schema, Table

PARTITIONED = Table("p_ci_stages", columns=(Column("id", "bigint"), Column("name", "varchar"),
                                            Column("partition_id", "bigint")),
                    indexes=(Index("idx_p_ci_stages_on_name", (IndexColumn("name"),)),),
                    partition_by="LIST (partition_id)")
PLAIN = Table("users", columns=(Column("id", "bigint"), Column("name", "varchar")),
              indexes=(Index("users_name_idx", (IndexColumn("name"),)),))
BEFORE = Schema(tables=(PARTITIONED, PLAIN))


def messages(text: str) -> dict[str, str]:
    return {f.rule: f.message for f in lint_file(text, LintContext(previous=BEFORE, file="t.sql"))}


def test_an_index_on_a_partitioned_table_is_not_advised_concurrently() -> None:
    m = messages('CREATE INDEX "ix" ON "public"."p_ci_stages" USING btree ("id");')
    assert "ON ONLY" in m["MZ204"] and "ATTACH PARTITION" in m["MZ204"], m
    assert "use CREATE INDEX CONCURRENTLY in a file" not in m["MZ204"], m
    plain = messages('CREATE INDEX "ix" ON "public"."users" USING btree ("id");')
    assert "use CREATE INDEX CONCURRENTLY in a file" in plain["MZ204"], plain


def test_a_partitioned_index_dropped_is_not_advised_concurrently() -> None:
    m = messages('DROP INDEX "public"."idx_p_ci_stages_on_name";')
    assert "DROP INDEX CONCURRENTLY" not in m["MZ205"] and "partitioned" in m["MZ205"], m
    assert "DROP INDEX CONCURRENTLY" in messages('DROP INDEX "public"."users_name_idx";')["MZ205"]


def test_a_unique_constraint_on_a_partitioned_table_is_not_advised_using_index() -> None:
    m = messages('ALTER TABLE "public"."p_ci_stages" ADD CONSTRAINT "k" UNIQUE("id","partition_id");')
    advice = "then ADD CONSTRAINT … UNIQUE (a key: PRIMARY KEY) USING INDEX"
    assert advice not in m["MZ203"] and "partitioned table takes no" in m["MZ203"], m
    assert advice in messages('ALTER TABLE "public"."users" ADD CONSTRAINT "k" UNIQUE("id");')["MZ203"]
    # a partitioned table the file makes
    made = messages('CREATE TABLE "public"."ev" ("id" bigint, "k" int) PARTITION BY HASH ("id");\n'
                    '--> statement-breakpoint\nCREATE INDEX "ev_k" ON "public"."ev" ("k");')
    assert "MZ204" not in made, made  # made by the file: no rows to lock out


def test_a_foreign_key_on_a_partitioned_table_is_not_advised_not_valid() -> None:
    m = messages('ALTER TABLE "public"."p_ci_stages" ADD CONSTRAINT "fk" FOREIGN KEY ("id") REFERENCES "public"."users"("id");')
    assert "ADD it NOT VALID" not in m["MZ206"] and "partitioned table takes no" in m["MZ206"], m
    assert "ADD it NOT VALID" in messages(
        'ALTER TABLE "public"."users" ADD CONSTRAINT "fk" FOREIGN KEY ("id") REFERENCES "public"."users"("id");')["MZ206"]
