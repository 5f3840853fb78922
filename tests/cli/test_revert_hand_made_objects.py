"""revert of a migration whose SQL also made, by hand, a function and a trigger that no snapshot records
(rocicorp/mono's zbugs 0002_project_lower_case_name: a column, then a trigger function setting it from `name` on
every INSERT and UPDATE). The revert drops the column and said nothing of the trigger it left, which then fails on
every write to the table (record "new" has no field …); it now names them in a warning."""

from __future__ import annotations

from pathlib import Path

from pg_project import fresh_config, write_project

from mizzle.commands.generate import generate
from mizzle.commands.revert import revert

HEAD = '''
import sqlalchemy as sa
metadata = sa.MetaData()
project = sa.Table("project", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("name", sa.Text, nullable=False){extra})
'''
BY_HAND = '''
CREATE OR REPLACE FUNCTION project_set_lower_name()
RETURNS TRIGGER AS $$
BEGIN
    NEW."lower_name" := LOWER(NEW.name);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER project_set_lower_name_trigger
BEFORE INSERT OR UPDATE ON project
FOR EACH ROW
EXECUTE FUNCTION project_set_lower_name();
'''


def test_revert_names_the_function_and_trigger_its_sql_made(tmp_path: Path) -> None:
    write_project(tmp_path, HEAD.format(extra=""))
    generate(fresh_config(tmp_path), name="init")
    write_project(tmp_path, HEAD.format(extra=', sa.Column("lower_name", sa.Text)'))
    added = generate(fresh_config(tmp_path), name="lower_name")
    assert added.sql_path is not None
    added.sql_path.write_text(added.sql_path.read_text() + BY_HAND)
    _, warnings = revert(fresh_config(tmp_path), "0001")
    left = [w for w in warnings if "project_set_lower_name" in w]
    assert len(left) == 1 and "project_set_lower_name_trigger" in left[0], warnings
