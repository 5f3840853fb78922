"""Configuration: discovery, pyproject, URL precedence, environments, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mizzle.config import DEFAULT_URL, load_config
from mizzle.errors import ConfigError, mask_password


def test_walks_up_to_mizzle_toml(tmp_path: Path) -> None:
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["a.py"]\nout = "m"\n')
    deep = tmp_path / "x" / "y"
    deep.mkdir(parents=True)
    cfg = load_config(start=deep)
    assert cfg.root == tmp_path.resolve() and cfg.schema == ("a.py",) and cfg.out_dir == (tmp_path / "m").resolve()


def test_pyproject_tool_mizzle(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mizzle]\ndialect = "sqlite"\n'
                                             '[tool.mizzle.migrations]\nprefix = "timestamp"\n')
    cfg = load_config(start=tmp_path)
    assert (cfg.dialect, cfg.prefix) == ("sqlite", "timestamp")


def test_no_config_is_the_sqlite_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = load_config(start=tmp_path)
    assert cfg.dialect == "sqlite" and cfg.resolve_url() == DEFAULT_URL == "sqlite:///mizzle.db"


def test_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mizzle.toml").write_text(
        'url = "postgresql://cfg/db"\n[environments.staging]\nurl_env = "STAGING_URL"\n')
    cfg = load_config(start=tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert cfg.resolve_url() == "postgresql://cfg/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://env/db")
    assert cfg.resolve_url() == "postgresql://env/db"
    monkeypatch.setenv("STAGING_URL", "postgresql://staging/db")
    assert cfg.resolve_url(env="staging") == "postgresql://staging/db"
    assert cfg.resolve_url(url="postgresql://flag/db", env="staging") == "postgresql://flag/db"
    monkeypatch.delenv("STAGING_URL")
    with pytest.raises(ConfigError, match=r"\$STAGING_URL, which is not set"):
        cfg.resolve_url(env="staging")
    with pytest.raises(ConfigError, match="unknown environment 'prod'"):
        cfg.resolve_url(env="prod")


@pytest.mark.parametrize("text, message", [
    ('dialect = "oracle"\n', "not one of postgresql, sqlite, mysql"),
    ('colour = "blue"\n', "unknown key(s): colour"),
    ('[migrations]\nprefix = "random"\n', "migrations.prefix"),
    ('[migrations]\ntransaction = "some"\n', "migrations.transaction"),
    ('schema = 3\n', "`schema` must be a string or a list of strings"),
    ('dialect = [\n', "invalid TOML"),
])
def test_bad_config(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "mizzle.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(start=tmp_path)
    assert message in str(info.value) and "mizzle.toml" in str(info.value)


def test_explicit_config_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_mask_password() -> None:
    assert mask_password("postgresql://u:s3cret@h:5432/db and mysql://root:pw@x/y") == \
        "postgresql://u:***@h:5432/db and mysql://root:***@x/y"
    assert mask_password("postgresql://u@h/db") == "postgresql://u@h/db"


def test_naming_defaults_to_drizzle_and_accepts_only_its_choices(tmp_path: Path) -> None:
    toml = tmp_path / "mizzle.toml"
    toml.write_text('dialect = "postgresql"\n')
    assert load_config(toml).naming == "drizzle"  # absent: the names existing snapshots already hold
    toml.write_text('dialect = "postgresql"\nnaming = "postgresql"\n')
    assert load_config(toml).naming == "postgresql"
    toml.write_text('dialect = "postgresql"\nnaming = "alembic"\n')
    with pytest.raises(ConfigError, match="naming"):
        load_config(toml)


def test_an_existing_1x_folder_gets_drizzle_kit_1x_names(tmp_path: Path) -> None:
    """A project whose `out` folder drizzle-kit 1.x started (no journal, `<ts>_<name>/migration.sql`) and whose
    config says no layout: the constraint names the code leaves unnamed are drizzle-kit 1.x's (`people_email_key`),
    not 0.x's (`people_email_unique`); an explicit `naming` or `layout` still decides."""
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    assert load_config(tmp_path / "mizzle.toml").naming == "drizzle"
    (tmp_path / "drizzle" / "20250101000000_init").mkdir(parents=True)
    (tmp_path / "drizzle" / "20250101000000_init" / "migration.sql").write_text("CREATE TABLE t (id int);")
    assert load_config(tmp_path / "mizzle.toml").naming == "drizzle1"
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nnaming = "drizzle"\n')
    assert load_config(tmp_path / "mizzle.toml").naming == "drizzle"
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n[migrations]\nlayout = "journal"\n')
    assert load_config(tmp_path / "mizzle.toml").naming == "drizzle"
