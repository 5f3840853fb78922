"""The warning for a rebuilt table other tables reference says each effect once. Bazarr's SQLite database, built
by create_all then its Alembic history (batch mode), holds every foreign key twice, named and unnamed
(`CONSTRAINT "fk_sonarrEpisodeId_blacklist" FOREIGN KEY(sonarr_episode_id) …` beside `FOREIGN
KEY(sonarr_episode_id) …`), and `mizzle pull` keeps both; generating Bazarr's own models on top rebuilt
table_episodes, and the warning read "deletes the rows of table_blacklist that reference it and deletes the rows of
table_blacklist that reference it and …"."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import write_project

from mizzle.commands.generate import generate

BEFORE = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("table_episodes", metadata, sa.Column("sonarrEpisodeId", sa.Integer, primary_key=True),
         sa.Column("file_size", sa.BigInteger, server_default="0"))
sa.Table("table_blacklist", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("sonarr_episode_id", sa.Integer), sa.Column("upgraded_from", sa.Integer),
         sa.ForeignKeyConstraint(["sonarr_episode_id"], ["table_episodes.sonarrEpisodeId"],
                                 name="fk_sonarrEpisodeId_blacklist", ondelete="CASCADE"),
         sa.ForeignKeyConstraint(["sonarr_episode_id"], ["table_episodes.sonarrEpisodeId"], ondelete="CASCADE"),
         sa.ForeignKeyConstraint(["upgraded_from"], ["table_episodes.sonarrEpisodeId"], ondelete="CASCADE"))
"""
AFTER = BEFORE.replace(', server_default="0"', "")


def test_each_effect_of_a_rebuild_under_drizzle_orms_migrator_is_named_once(tmp_path: Path) -> None:
    generate(write_project(tmp_path, BEFORE), name="init")
    result = generate(write_project(tmp_path, AFTER), name="drop_default")
    [line] = [w for w in result.warnings if "drizzle-orm's migrator" in w]
    assert line.startswith("table table_episodes is rebuilt, and foreign keys reference it"), line
    assert line.count("deletes the rows of table_blacklist that reference it") == 1, line
