"""drizzle-kit's migrations.js (the bundle it writes for Expo / Durable Objects drivers), found in drizzle-orm's own
integration-tests/tests/sqlite/durable-objects/drizzle folder: `check` took it for a stray file, and `generate`
left it importing the old migrations only, so the app never ran the new one."""

from __future__ import annotations

from pathlib import Path

import mizzle
from mizzle.config import load_config
from mizzle.migrations import bundle
from mizzle.migrations.check import check_folder, fix_folder

# the form drizzle-kit 0.31's `embeddedMigrations` writes for two entries (driver "durable-sqlite")
DRIZZLE_KIT_TWO = ("import journal from './meta/_journal.json';\n"
                   "import m0000 from './0000_first.sql';\n"
                   "import m0001 from './0001_second.sql';\n"
                   "\n  export default {\n    journal,\n    migrations: {\n      m0000,\nm0001\n    }\n  }\n  ")
# a hand-formatted one, as the durable-objects folder has it
FORMATTED = ("import m0000 from './0000_first.sql';\nimport journal from './meta/_journal.json';\n\n"
             "export default {\n\tjournal,\n\tmigrations: {\n\t\tm0000,\n\t},\n};\n")


def test_render_is_drizzle_kits_file() -> None:
    entries = [{"idx": 0, "tag": "0000_first"}, {"idx": 1, "tag": "0001_second"}]
    assert bundle.render(entries) == DRIZZLE_KIT_TWO
    assert bundle.render(entries, expo=True) == bundle.EXPO_HEADER + DRIZZLE_KIT_TWO
    assert bundle.imported_tags(FORMATTED) == ["0000_first"]


def _project(tmp_path: Path, tables: list[str]) -> Path:
    cols = "".join(f"sa.Table({t!r}, metadata, sa.Column('id', sa.Integer, primary_key=True))\n" for t in tables)
    module = f"bundle_schema_{len(tables)}.py"  # a new module per schema (a loaded one is cached)
    (tmp_path / module).write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n" + cols)
    (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["{module}"]\nout = "drizzle"\n')
    return tmp_path / "mizzle.toml"


def test_check_takes_the_bundle_for_drizzle_kits_file_not_a_stray_one(tmp_path: Path) -> None:
    mizzle.generate(config=load_config(_project(tmp_path, ["a"])), name="first")
    out = tmp_path / "drizzle"
    (out / "migrations.js").write_text(FORMATTED.replace("0000_first", next(out.glob("0000_*.sql")).stem))
    assert [f.message for f in check_folder(out, "sqlite").findings] == []


def test_generate_adds_the_new_migration_to_the_bundle(tmp_path: Path) -> None:
    cfg = _project(tmp_path, ["a"])
    mizzle.generate(config=load_config(cfg), name="first")
    out = tmp_path / "drizzle"
    first = next(out.glob("0000_*.sql")).stem
    (out / "migrations.js").write_text(bundle.EXPO_HEADER + bundle.render([{"idx": 0, "tag": first}]))
    mizzle.generate(config=load_config(_project(tmp_path, ["a", "b"])), name="second")
    second = next(out.glob("0001_*.sql")).stem
    text = (out / "migrations.js").read_text()
    assert text == bundle.EXPO_HEADER + bundle.render([{"idx": 0, "tag": first}, {"idx": 1, "tag": second}])
    assert check_folder(out, "sqlite").findings == []


def test_check_warns_when_the_bundle_lacks_a_migration_and_fix_rewrites_it(tmp_path: Path) -> None:
    mizzle.generate(config=load_config(_project(tmp_path, ["a"])), name="first")
    out = tmp_path / "drizzle"
    first = next(out.glob("0000_*.sql")).stem
    (out / "migrations.js").write_text(FORMATTED.replace("0000_first", first))
    mizzle.generate(config=load_config(_project(tmp_path, ["a", "b"])), name="second")  # rewritten: agrees
    (out / "migrations.js").write_text(FORMATTED.replace("0000_first", first))  # as an older tool left it
    second = next(out.glob("0001_*.sql")).stem
    [finding] = check_folder(out, "sqlite").findings
    assert finding.level == "warning" and f"does not import {second}.sql" in finding.message
    assert "check --fix" in finding.message
    report = fix_folder(out, "sqlite")
    assert any("migrations.js" in r for r in report.repairs), report.repairs
    assert bundle.imported_tags((out / "migrations.js").read_text()) == [first, second]
    assert report.after.findings == []


# drizzle-kit 1.0.0-rc's `up` of the durable-objects folder wrote this for its one migration
KIT1_ONE = ("import m0000 from './20241127083406_cuddly_black_bolt/migration.sql';\n"
            "\n  export default {\n    migrations: {\n      \"20241127083406_cuddly_black_bolt\": m0000\n}\n  }\n  ")


def test_up_rewrites_the_bundle_for_the_1x_layout_and_generate_keeps_it(tmp_path: Path) -> None:
    """`up` removed the journal and SQL files the bundle imported and left it so (the app no longer built)."""
    assert bundle.render_folders(["20241127083406_cuddly_black_bolt"]) == KIT1_ONE
    assert bundle.imported_tags(KIT1_ONE) == ["20241127083406_cuddly_black_bolt"]
    mizzle.generate(config=load_config(_project(tmp_path, ["a"])), name="first")
    out = tmp_path / "drizzle"
    first = next(out.glob("0000_*.sql")).stem
    (out / "migrations.js").write_text(FORMATTED.replace("0000_first", first))
    mizzle.up(config=load_config(tmp_path / "mizzle.toml"))
    [d1] = [p.name for p in out.iterdir() if (p / "migration.sql").is_file()]
    assert (out / "migrations.js").read_text() == bundle.render_folders([d1])
    mizzle.generate(config=load_config(_project(tmp_path, ["a", "b"])), name="second")
    dirs = sorted(p.name for p in out.iterdir() if (p / "migration.sql").is_file())
    assert len(dirs) == 2 and (out / "migrations.js").read_text() == bundle.render_folders(dirs)
