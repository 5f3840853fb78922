"""A drizzle-kit folder (no meta/_mizzle.json) whose SQL creates extensions by hand (kanbn/kan's pg_trgm and
uuid-ossp; Vasteras-Stadsmission/matkassen's pg_trgm for a trigram index): drizzle-kit's snapshots have no field for
extensions, so after `pull` wrote them into the schema code, generate --check reported '+ extension pg_trgm in
public' on the database the folder built. generate now takes an extension the folder's SQL created (and did not
drop since) as made, and says so; one no migration created is still created."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hand_made_folder import folder_with_hand_sql, point_at, pulled_code
from pgtools import temp_database

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

TABLES = '''import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Text))
'''
HAND_MADE = """CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
--> statement-breakpoint
CREATE EXTENSION citext;
--> statement-breakpoint
DROP EXTENSION citext;
"""


def test_extensions_a_folders_sql_made_are_not_made_again(pg_available: bool, tmp_path: Path) -> None:
    project = tmp_path / "postgresql"
    module = "folder_extensions_postgresql"
    folder_with_hand_sql(project, module, TABLES, HAND_MADE, "extensions")
    with temp_database("mzfe") as url:
        migrate(url=url, folder=project / "drizzle")
        code = pulled_code(tmp_path / "pulled", "postgresql", url)
        assert "pg_trgm" in code and "uuid-ossp" in code and "citext" not in code
        (project / f"{module}.py").write_text(code)
        point_at(project, module)
        try:
            result = generate(load_config(project / "mizzle.toml"), check=True)
            assert not result.changes, result.changes
            assert any("extensions taken as the folder's own SQL created them" in w and "pg_trgm" in w
                       and "uuid-ossp" in w for w in result.warnings), result.warnings
            # the one the SQL dropped again is still made when the code declares it
            (project / f"{module}.py").write_text(code.replace('Extension("pg_trgm"', 'Extension("citext"'
                                                               ', schema="public"), Extension("pg_trgm"', 1))
            sys.modules.pop(module, None)
            with pytest.raises(IntegrityError) as e:
                generate(load_config(project / "mizzle.toml"), check=True)
            assert [ln.strip() for ln in str(e.value).splitlines()[1:]] == ["+ extension citext in public"]
        finally:
            sys.modules.pop(module, None)
