"""Comments on indexes, constraints and enum types (issue 16): declared (an Index's info={"mizzle": {"comment"}},
a constraint's `comment=`, a key's or unique constraint's index by info={"mizzle": {"index_comment"}}, an enum's
by MetaData(info={"mizzle": {"enum_comments": {…}}})), set with the objects, changed and removed in place (IS
NULL), set again on an index made again and on an enum rebuilt; `generate --check`, `drift` and `verify` are
clean after each step."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify

pytestmark = pytest.mark.pg

SOURCE = '''
import sqlalchemy as sa

md = sa.MetaData(info={{"mizzle": {{"enum_comments": {enum_comments}}}}})
mood = sa.Enum({moods}, name="mood", metadata=md)
t = sa.Table(
    "t", md,
    sa.Column("id", sa.Integer),
    sa.Column("name", sa.{name_type}),
    sa.Column("m", mood),
    sa.PrimaryKeyConstraint("id", comment={pk}),
    sa.UniqueConstraint("name", name="t_name_key", comment={uq}, info={{"mizzle": {{"index_comment": {uq_ix}}}}}),
    sa.CheckConstraint("id > 0", name="t_pos", comment={ck}),
    sa.Index("t_m", "m", info={{"mizzle": {{"comment": {ix}}}}}),
)
u = sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("t_id", sa.Integer), sa.ForeignKeyConstraint(["t_id"], ["t.id"], name="u_t", comment={fk}))
'''

STEPS = [
    dict(enum_comments='{"mood": "feelings"}', moods='"sad", "happy"', name_type="Text", pk='"the key"',
         uq='"one each"', uq_ix='"its index"', ck='"positive"', ix='"by mood"', fk='"a t"'),
    # each comment changed; the enum rebuilt (a value removed): its comment set on the new type
    dict(enum_comments='{"mood": "how one feels"}', moods='"happy", "ok"', name_type="Text", pk='"key"',
         uq='"unique"', uq_ix='"index"', ck='"above zero"', ix='"on mood"', fk='"the t"'),
    # the comments removed (IS NULL); t.name retyped (the unique constraint stays)
    dict(enum_comments="{}", moods='"happy", "ok"', name_type="String(50)", pk="None", uq="None", uq_ix="None",
         ck="None", ix="None", fk="None"),
]


def _comments(url: str) -> dict[str, str | None]:
    with psycopg.connect(url) as c:
        return dict(c.execute(
            "SELECT 'constraint ' || conname, obj_description(oid, 'pg_constraint') FROM pg_constraint "
            "WHERE conrelid IN ('t'::regclass, 'u'::regclass) UNION ALL "
            "SELECT 'index ' || relname, obj_description(oid, 'pg_class') FROM pg_class WHERE relname IN "
            "('t_m', 't_name_key') UNION ALL SELECT 'type mood', obj_description('mood'::regtype, 'pg_type')"
        ).fetchall())


def test_comments_on_indexes_constraints_and_enums(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzcomments") as url:
        for n, values in enumerate(STEPS, 1):
            write_project(root, SOURCE.format(**values))
            assert generate(fresh_config(root), name=f"step{n}").written, n
            mizzle.migrate(url=url, folder=root / "migrations")
            got = _comments(url)
            want = {"constraint t_pkey": values["pk"], "constraint t_name_key": values["uq"],
                    "index t_name_key": values["uq_ix"], "constraint t_pos": values["ck"],
                    "index t_m": values["ix"], "constraint u_t": values["fk"],
                    "type mood": None if values["enum_comments"] == "{}" else values["enum_comments"].split('": ')[1][:-1]}
            assert got == {k: None if v in (None, "None") else v.strip('"') for k, v in want.items()} | \
                {"constraint u_pkey": None}, (n, got)
            cfg = fresh_config(root)
            assert not generate(cfg, check=True).changes
            assert not drift_for_config(cfg, url=url).changes
            v = verify(cfg, url=url)
            assert v.ok, [(s.tag, s.changes) for s in v.steps if s.changes] + [v.code_changes]
        with psycopg.connect(url, autocommit=True) as c:  # set by hand: drift names it
            c.execute("COMMENT ON INDEX t_m IS 'by hand'")
        assert drift_for_config(fresh_config(root), url=url).changes == ["~ comment on index t_m on t"]
