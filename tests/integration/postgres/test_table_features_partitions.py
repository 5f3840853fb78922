"""Declarative partitioning and table inheritance (issue 17 items 3 and 4): a database built by SQL is pulled,
the pulled code rebuilds it (pg_dump -s equal), changes in schema code (a new partition, a new bound, a
detached partition, a new parent) give a migration that applies and matches, and drift sees a hand change."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import apply_sql, schema_dump, temp_database

pytestmark = pytest.mark.pg

SOURCE = [
    "CREATE TABLE m (id bigserial, at date NOT NULL DEFAULT current_date, v int, PRIMARY KEY (id, at))"
    " PARTITION BY RANGE (at)",
    "CREATE TABLE m_2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
    "CREATE TABLE m_def PARTITION OF m DEFAULT",
    "CREATE INDEX m_v ON m (v)",
    # a foreign key to a partitioned table: the server adds one constraint per partition (not local)
    "CREATE TABLE r (id int PRIMARY KEY, mid bigint, mat date, FOREIGN KEY (mid, mat) REFERENCES m (id, at))",
    "CREATE TABLE l (id int, k text) PARTITION BY LIST (k)",
    "CREATE TABLE l_a PARTITION OF l FOR VALUES IN ('a', 'b') PARTITION BY HASH (id)",
    "CREATE TABLE l_a0 PARTITION OF l_a FOR VALUES WITH (modulus 2, remainder 0)",
    "CREATE TABLE l_a1 PARTITION OF l_a FOR VALUES WITH (modulus 2, remainder 1)",
    "CREATE TABLE p (id int PRIMARY KEY, name text)",
    "CREATE TABLE c (extra text, name text, CHECK (extra <> '')) INHERITS (p)",
]

CHANGED = '''
import sqlalchemy as sa

metadata = sa.MetaData()

m = sa.Table(
    "m", metadata,
    sa.Column("id", sa.BigInteger, autoincrement=True),
    sa.Column("at", sa.Date, server_default=sa.text("CURRENT_DATE")),
    sa.Column("v", sa.Integer),
    sa.PrimaryKeyConstraint("id", "at", name="m_pkey"),
    sa.Index("m_v", "v"),
    postgresql_partition_by="range (at)",
)
m_2020 = sa.Table("m_2020", metadata,
                  info={"mizzle": {"partition_of": m, "bounds": "from ('2020-01-01') to ('2020-07-01')"}})
m_2021 = sa.Table("m_2021", metadata,
                  info={"mizzle": {"partition_of": "m", "bounds": "FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')"}})
m_2022 = sa.Table(  # spelled otherwise than the server prints it: drift asks the server
    "m_2022", metadata,
    info={"mizzle": {"partition_of": "m", "bounds": "FROM ('2022-01-01'::date) TO ('2023-01-01'::date)"}})
m_def = sa.Table(  # detached: a plain table keeping the columns, key and index it had as a partition
    "m_def", metadata,
    sa.Column("id", sa.BigInteger, server_default=sa.text("nextval('m_id_seq'::regclass)"), nullable=False),
    sa.Column("at", sa.Date, server_default=sa.text("CURRENT_DATE"), nullable=False),
    sa.Column("v", sa.Integer),
    sa.PrimaryKeyConstraint("id", "at", name="m_def_pkey"),
    sa.Index("m_def_v_idx", "v"),
)
p = sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
q = sa.Table("q", metadata, sa.Column("qq", sa.Integer))
c = sa.Table(
    "c", metadata,
    sa.Column("name", sa.Text),
    sa.Column("extra", sa.Text),
    sa.Column("qq", sa.Integer),
    sa.CheckConstraint("extra <> ''", name="c_extra_check"),
    postgresql_inherits=("p", "q"),
)
'''


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
    return root


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def _lineage(url: str) -> list[tuple[str, str | None, str | None, list[str]]]:
    with psycopg.connect(url) as c:
        return c.execute("""
            SELECT c.relname, pg_get_partkeydef(c.oid), pg_get_expr(c.relpartbound, c.oid),
                   ARRAY(SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid
                         ORDER BY i.inhseqno)
            FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
            ORDER BY 1""").fetchall()


def test_partitions_and_inheritance_are_pulled_rebuilt_changed_and_checked(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzpart") as source, temp_database("mzpart") as rebuilt:
        _execute(source, *SOURCE)
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stderr
        code = (root / "db" / "schema.py").read_text()
        assert 'postgresql_partition_by="RANGE (at)"' in code and 'postgresql_inherits=("p",)' in code
        assert '"partition_of": "l_a", "bounds": "FOR VALUES WITH (modulus 2, remainder 0)"' in code
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        assert run_mizzle(["drift"], cwd=root, url=source).code == 0
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        with temp_database("mzpart") as exported:  # `export` of the pulled code rebuilds it too
            e = run_mizzle(["export"], cwd=root)
            assert e.code == 0, e.stderr
            apply_sql(exported, e.stdout)
            assert schema_dump(exported) == schema_dump(source)

        # the code changes: a new partition, a new bound, a partition detached, a second parent
        (root / "db" / "schema.py").write_text(CHANGED)
        g = run_mizzle(["generate", "--name", "lineage", "--no-renames"], cwd=root)  # l, its partitions and r go
        assert g.code in (0, 1), g.stdout + g.stderr  # 1: lint's warnings
        sql = next((root / "migrations").glob("0001_*.sql")).read_text()
        assert 'DETACH PARTITION "public"."m_def"' in sql and 'INHERIT "public"."q"' in sql
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert run_mizzle(["generate", "--check"], cwd=root, url=rebuilt).code == 0
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr
        rows = {name: rest for name, *rest in _lineage(rebuilt)}
        assert rows["m_2020"] == [None, "FOR VALUES FROM ('2020-01-01') TO ('2020-07-01')", ["m"]]
        assert rows["m_2021"][1:] == ["FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')", ["m"]]
        assert rows["m_2022"][1] == "FOR VALUES FROM ('2022-01-01') TO ('2023-01-01')"
        assert rows["m_def"] == [None, None, []]
        assert rows["c"] == [None, None, ["p", "q"]]

        # a hand change is drift
        _execute(rebuilt, "ALTER TABLE m DETACH PARTITION m_2021", "ALTER TABLE c NO INHERIT q")
        d = run_mizzle(["drift"], cwd=root, url=rebuilt)
        assert d.code == 3, d.stdout + d.stderr
        assert "m_2021: detach" in d.stderr and "c: no longer inherits q" in d.stderr


def test_dropping_a_parents_column_keeps_the_childs_own_copy(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = '''
import sqlalchemy as sa
metadata = sa.MetaData()
p = sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text),
             sa.Column("gone", sa.Text))
c = sa.Table("c", metadata, sa.Column("note", sa.Text), sa.Column("extra", sa.Text), postgresql_inherits="p")
'''
    root = _project(tmp_path)
    (root / "db").mkdir()
    (root / "db" / "schema.py").write_text(code)
    with temp_database("mzinh") as db:
        assert run_mizzle(["generate"], cwd=root).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=db).code == 0
        assert _lineage(db)[0] == ("c", None, None, ["p"])
        (root / "db" / "schema.py").write_text(code.replace('sa.Column("note", sa.Text),\n             sa.Column("gone", sa.Text)', ""))
        g = run_mizzle(["generate", "--name", "drop"], cwd=root)
        assert g.code in (0, 1), g.stdout + g.stderr
        assert run_mizzle(["migrate"], cwd=root, url=db).code == 0
        with psycopg.connect(db) as c:
            cols = [r[0] for r in c.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'c'::regclass "
                                            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")]
        assert cols == ["id", "note", "extra"]  # `note` is c's own too; `gone` only inherited
        assert run_mizzle(["drift"], cwd=root, url=db).code == 0



def test_a_key_the_server_spells_otherwise_is_no_drift(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's own CREATE TABLE example, PARTITION BY LIST (left(lower(name), 1)), declared so in
    postgresql_partition_by: the server stores it as LIST ("left"(lower(name), 1)) (left is a keyword), and drift
    of the database the migration made reported '~ table cities: partition key … → …'."""
    code = '''
import sqlalchemy as sa
metadata = sa.MetaData()
cities = sa.Table("cities", metadata, sa.Column("name", sa.Text, nullable=False),
                  postgresql_partition_by="LIST (left(lower(name), 1))")
ab = sa.Table("cities_ab", metadata, info={"mizzle": {"partition_of": "cities", "bounds": "FOR VALUES IN ('a', 'b')"}})
'''
    root = _project(tmp_path)
    (root / "db").mkdir()
    (root / "db" / "schema.py").write_text(code)
    with temp_database("mzpkey") as db:
        assert run_mizzle(["generate"], cwd=root).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=db).code == 0
        d = run_mizzle(["drift"], cwd=root, url=db)
        assert d.code == 0, d.stdout + d.stderr

def test_a_partition_key_change_is_refused(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = '''
import sqlalchemy as sa
metadata = sa.MetaData()
m = sa.Table("m", metadata, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), postgresql_partition_by="RANGE (a)")
'''
    root = _project(tmp_path)
    (root / "db").mkdir()
    (root / "db" / "schema.py").write_text(code)
    assert run_mizzle(["generate"], cwd=root).code == 0
    (root / "db" / "schema.py").write_text(code.replace("RANGE (a)", "LIST (b)"))
    g = run_mizzle(["generate"], cwd=root)
    assert g.code == 2 and "partition key changes (RANGE (a) → LIST (b))" in g.stderr


W = """
r = sa.Table("r", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
w = sa.Table(
    "w", metadata,
    sa.Column("id", sa.Integer, nullable=False), sa.Column("at", sa.Integer, nullable=False),
    sa.Column("rid", sa.Integer), sa.Column("v", sa.Integer),
    sa.PrimaryKeyConstraint("id", "at", name="w_pkey"),
    sa.ForeignKeyConstraint(["rid"], ["r.id"], name="w_fk", ondelete="CASCADE"),
    sa.CheckConstraint("v > 0", name="w_ck"),
    sa.Index("w_v", "v"),
    sa.Index("w_lv", sa.text("lower(v::text)")),  # its copy, w1_lower_idx, is not kept
    postgresql_partition_by="RANGE (at)",
)
w2 = sa.Table("w2", metadata, info={"mizzle": {"partition_of": "w", "bounds": "FROM (10) TO (20)"}})
"""
W1_PARTITION = 'w1 = sa.Table("w1", metadata, info={"mizzle": {"partition_of": "w", "bounds": "FROM (0) TO (10)"}})\n'
W1_DETACHED = """
w1 = sa.Table(
    "w1", metadata,
    sa.Column("id", sa.Integer, nullable=False), sa.Column("at", sa.Integer, nullable=False),
    sa.Column("rid", sa.Integer), sa.Column("v", sa.Integer),
    sa.PrimaryKeyConstraint("id", "at", name="w1_pkey"),
    sa.ForeignKeyConstraint(["rid"], ["r.id"], name="w_fk"),  # the copy's ON DELETE CASCADE dropped
    sa.Index("w1_v_idx", "v"),  # the copy
    sa.Index("w1_v_again", "v"),  # another index over the same column, and its definition
    sa.Index("w1_v_incl", "v", postgresql_include=["id"]),  # another over the same column
)  # w_ck, the copy of the parent's check, is not kept
"""
W_SQL = [
    "CREATE TABLE r (id integer PRIMARY KEY)",
    "CREATE TABLE w (id integer NOT NULL, at integer NOT NULL, rid integer, v integer, CONSTRAINT w_pkey "
    "PRIMARY KEY (id, at), CONSTRAINT w_fk FOREIGN KEY (rid) REFERENCES r (id) ON DELETE CASCADE, "
    "CONSTRAINT w_ck CHECK (v > 0)) PARTITION BY RANGE (at)",
    "CREATE INDEX w_v ON w (v)",
    "CREATE INDEX w_lv ON w (lower(v::text))",
    "CREATE TABLE w2 PARTITION OF w FOR VALUES FROM (10) TO (20)",
]


def test_a_detached_partitions_keys_are_matched_exactly(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The detached partition keeps the copies of its parent's keys under the server's names; schema code that
    declares other keys over the same columns (or the copy changed) gets them, and what it does not keep is
    dropped: the database is the one built by SQL."""
    from feature_accept import code_versions

    detached = [*W_SQL, "CREATE TABLE w1 (id integer NOT NULL, at integer NOT NULL, rid integer, v integer, "
                "CONSTRAINT w1_pkey PRIMARY KEY (id, at), CONSTRAINT w_fk FOREIGN KEY (rid) REFERENCES r (id))",
                "CREATE INDEX w1_v_idx ON w1 (v)", "CREATE INDEX w1_v_again ON w1 (v)",
                "CREATE INDEX w1_v_incl ON w1 (v) INCLUDE (id)"]
    sqls = code_versions(tmp_path, run_mizzle, [
        (W + W1_PARTITION, [*W_SQL, "CREATE TABLE w1 PARTITION OF w FOR VALUES FROM (0) TO (10)"]),
        (W + W1_DETACHED, detached),
    ], hand_change=["DROP INDEX w1_v_again"])
    assert 'DETACH PARTITION "public"."w1"' in sqls[1]
    assert 'CREATE INDEX "w1_v_again"' in sqls[1] and 'CREATE INDEX "w1_v_incl"' in sqls[1]
    assert 'DROP CONSTRAINT "w_ck"' in sqls[1] and 'DROP CONSTRAINT "w_fk"' in sqls[1]
    assert 'DROP INDEX "public"."w1_lower_idx"' in sqls[1], sqls[1]
    assert '"w1_v_idx"' not in sqls[1] and '"w1_pkey"' not in sqls[1]


RENAMED = """
m = sa.Table("{m}", metadata, sa.Column("id", sa.Integer), sa.Column("at", sa.Integer),
             postgresql_partition_by="RANGE (at)"{minfo})
m1 = sa.Table("m1", metadata, info={{"mizzle": {{"partition_of": "{m}", "bounds": "FROM (0) TO (10)"}}}})
p = sa.Table("{p}", metadata, sa.Column("id", sa.Integer){pinfo})
c = sa.Table("c", metadata, sa.Column("x", sa.Integer), postgresql_inherits="{p}")
"""


def test_renaming_a_parent_keeps_its_partitions_and_children(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL keeps a partition attached and a child inheriting through the parent's rename: the migration
    is the renames alone (it asked for the children's columns, or detached from a name that no longer exists)."""
    from feature_accept import code_versions

    def sql(m: str, p: str) -> list[str]:
        return [f"CREATE TABLE {m} (id integer, at integer) PARTITION BY RANGE (at)",
                f"CREATE TABLE m1 PARTITION OF {m} FOR VALUES FROM (0) TO (10)",
                f"CREATE TABLE {p} (id integer)", f"CREATE TABLE c (x integer) INHERITS ({p})"]
    renamed = ', info={{"mizzle": {{"renamed_from": "{}"}}}}'
    sqls = code_versions(tmp_path, run_mizzle, [
        (RENAMED.format(m="m", p="p", minfo="", pinfo=""), sql("m", "p")),
        (RENAMED.format(m="m2", p="p2", minfo=renamed.format("m"), pinfo=renamed.format("p")), sql("m2", "p2")),
    ], hand_change=["ALTER TABLE c NO INHERIT p2"])
    assert sqls[1].count("RENAME TO") == 2 and "PARTITION" not in sqls[1] and "INHERIT" not in sqls[1], sqls[1]


OWN_KEYS = [  # pgquarrel's same_cities: partitions with keys of their own under partitioned tables with none
    "CREATE TABLE cities (abbrev char(2) NOT NULL, id serial) PARTITION BY LIST (abbrev)",
    "CREATE TABLE cities_south PARTITION OF cities FOR VALUES IN ('PR', 'RS') PARTITION BY LIST (abbrev)",
    "CREATE TABLE cities_pr PARTITION OF cities_south (PRIMARY KEY (id)) FOR VALUES IN ('PR')",
    "CREATE TABLE cities_rs PARTITION OF cities_south FOR VALUES IN ('RS')",
    "CREATE TABLE keyed (id integer PRIMARY KEY, n integer) PARTITION BY RANGE (id)",
    "CREATE TABLE keyed_1 PARTITION OF keyed FOR VALUES FROM (0) TO (10)",
]


def test_a_partitions_own_primary_key_is_pulled_and_kept(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # pull wrote cities_pr's key on the partition, the schema code's reading ignored it ("the schema module cannot
    # express this yet: - primary key on cities_pr"), and the next generate dropped it
    with temp_database("mzpart") as source, temp_database("mzpart") as rebuilt:
        _execute(source, *OWN_KEYS)
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "cannot express" not in r.stderr, r.stderr
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        # a key declared on a partition of a table that has one is its copy, as before: not a second key
        code = (root / "db" / "schema.py").read_text()
        (root / "db" / "schema.py").write_text(code.replace(
            '"keyed_1", metadata,', '"keyed_1", metadata,\n    sa.Column("id", sa.Integer, primary_key=True, '
            'info={"mizzle": {"inherited": True}}),'))
        assert run_mizzle(["generate", "--check"], cwd=root, url=source).code == 0
