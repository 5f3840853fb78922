"""`mizzle generate` refuses schema code that create_all itself fails on (issue 13 A7): exit 2, a one-line
message naming the object, and no migration written."""

from __future__ import annotations

from pathlib import Path

import pytest

HEAD = 'import sqlalchemy as sa\nmd = sa.MetaData()\n'
T = 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer), sa.Column("b", sa.Integer))\n'

CASES = {
    "two indexes, one name": (HEAD + T + 'u = sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True))\n'
                              'sa.Index("ix_same", t.c.a)\nsa.Index("ix_same", u.c.id)\n', r"ix_same"),
    "index named like a unique constraint": (HEAD + T.replace(')\n', ', sa.UniqueConstraint("b", name="uq_b"))\n')
                                             + 'sa.Index("uq_b", t.c.a)\n', r"uq_b"),
    "index without columns": (HEAD + T.replace(')\n', ', sa.Index("ix_empty"))\n'), r"ix_empty"),
    "foreign key to columns that are not unique": (
        HEAD + T + 'c = sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), '
        'sa.Column("ta", sa.Integer, sa.ForeignKey("t.a", name="fk_c_ta")))\n', r"fk_c_ta.*t\(a\)"),
    "explicit name over 63 characters": (HEAD + T + f'sa.Index("ix_{"x" * 62}", t.c.a)\n', r"ix_x+.*63"),
    "native enum without a name": (HEAD + 'e = sa.Table("e", md, sa.Column("id", sa.Integer, primary_key=True), '
                                   'sa.Column("m", sa.Enum("a", "b")))\n', r"e.*needs a name"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_generate_refuses_what_create_all_rejects(tmp_path: Path, run_mizzle, case: str) -> None:  # type: ignore[no-untyped-def]
    source, pattern = CASES[case]
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (tmp_path / "app" / "schema.py").write_text(source)
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 2, (r.stdout, r.stderr)
    import re

    assert re.search(pattern, r.stderr), r.stderr
    assert not list((tmp_path / "migrations").glob("*.sql")) if (tmp_path / "migrations").exists() else True


def test_foreign_key_to_a_unique_index_or_constraint_is_accepted(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (tmp_path / "app" / "schema.py").write_text(
        HEAD + 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
        'sa.Column("a", sa.Integer, unique=True, index=True), sa.Column("b", sa.Integer), sa.Column("c", sa.Integer), '
        'sa.UniqueConstraint("c", "b"))\n'
        'c = sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ta", sa.Integer, '
        'sa.ForeignKey("t.a")), sa.Column("tb", sa.Integer), sa.Column("tc", sa.Integer), '
        'sa.ForeignKeyConstraint(["tb", "tc"], ["t.b", "t.c"]))\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr


def test_a_schema_module_holding_no_metadata_is_refused_naming_the_module_it_imports(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # `schema = ["app/schema.py"]` where schema.py only imports the models module (`from app import models`): read as
    # an empty schema, generate planned DROP TABLE for every table the folder had made (CTFd, Lemur; fx55)
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(HEAD + T)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "-q"], cwd=tmp_path).code == 0
    (app / "schema.py").write_text("from app import models  # noqa: F401\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2, r.stdout + r.stderr
    assert "no MetaData in" in r.first_error_line and "app.models" in r.first_error_line, r.stderr
    assert sorted(p.name for p in (tmp_path / "migrations").glob("*.sql")) == ["0000_create_t.sql"]
