"""A drizzle-kit folder whose hand-written migration adds a foreign key under a name of its own while the snapshot
states drizzle-kit's (portabase's 0026: `ADD CONSTRAINT restorations_backup_storage_id_fk`, snapshots
`restorations_backup_storage_id_backup_storage_id_fk`). After `pull`, whose code names the key as the database does,
`generate` wrote `RENAME CONSTRAINT <the snapshot's name> TO <the database's>`, which failed on the server: no
migration ever made the snapshot's name. No server."""

from __future__ import annotations

import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.config import load_config

CODE = """import sqlalchemy as sa
metadata = sa.MetaData()
p = sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True))
c = sa.Table("c", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("p_id", sa.Integer, sa.ForeignKey("p.id", name="NAME", ondelete="CASCADE")))
"""


def _project(tmp_path: Path, fk_name: str) -> Path:
    (tmp_path / "fk_by_sql.py").write_text(CODE.replace("NAME", fk_name))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["fk_by_sql.py"]\nout = "drizzle"\n')
    sys.modules.pop("fk_by_sql", None)
    return tmp_path / "mizzle.toml"


def test_a_foreign_key_the_sql_made_under_the_codes_name_is_not_renamed(tmp_path: Path) -> None:
    generate(load_config(_project(tmp_path, "c_p_id_p_id_fk")), name="init")
    (sql,) = (tmp_path / "drizzle").glob("0000_*.sql")
    text = sql.read_text()
    assert '"c_p_id_p_id_fk"' in text
    sql.write_text(text.replace('"c_p_id_p_id_fk"', "c_p_fk"))  # written by hand, bare
    (tmp_path / "drizzle" / "meta" / "_mizzle.json").unlink(missing_ok=True)  # drizzle-kit's folder
    try:
        result = generate(load_config(_project(tmp_path, "c_p_fk")), check=True)
        assert not result.changes, result.changes
        assert any("c_p_id_p_id_fk → c_p_fk on c" in w for w in result.warnings), result.warnings
        # a name the SQL never made is a rename the code asks for
        result = generate(load_config(_project(tmp_path, "c_p_other_fk")), check=True)
    except Exception as e:  # noqa: BLE001 - generate --check raises on changes
        assert "c_p_id_p_id_fk" in str(e) and "c_p_other_fk" in str(e), e
    else:
        raise AssertionError("expected the rename to c_p_other_fk")
    finally:
        sys.modules.pop("fk_by_sql", None)


def test_a_converted_folders_unnamed_foreign_key_named_by_the_code_is_no_hand_edit(tmp_path: Path) -> None:
    """databuddy-analytics/Databuddy: its drizzle-kit 0.x folder converted with `mizzle up` (each `…_fk` row
    `nameExplicit: false`, read under drizzle-kit 1.x's `…_fkey` with the row's name as the server's), then
    generate with pulled code naming every key as the database does (`…_fk`): no change, rightly, but a warning
    that the folder's SQL made ten keys under names "its snapshots name otherwise", which they do not."""
    from mizzle.commands.up import up

    generate(load_config(_project(tmp_path, "c_p_id_p_id_fk")), name="init")  # the journal layout's name
    up(load_config(_project(tmp_path, "c_p_id_p_id_fk")))
    (snap,) = (tmp_path / "drizzle").glob("*/snapshot.json")
    assert '"nameExplicit": false' in snap.read_text()
    try:
        result = generate(load_config(_project(tmp_path, "c_p_id_p_id_fk")), check=True)
        assert not result.changes, result.changes
        assert not any("taken under the names" in w for w in result.warnings), result.warnings
    finally:
        sys.modules.pop("fk_by_sql", None)
