"""The acceptance run of a table feature (issue 17), against the real server through the real commands:

1. a database built by SQL with the feature is pulled; the pulled module names the feature; `generate --check` of the
   pulled project is clean; `export` of the pulled code, applied to an empty database, gives the same `pg_dump -s`;
   the pulled baseline migrated onto an empty database too;
2. schema code that adds, changes and removes the feature gives migrations that apply, after which `drift` is clean
   and the database dumps as the one built by SQL for that version;
3. a change made by hand (SQL) is caught by `drift` (exit 3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
from pgtools import apply_sql, schema_dump, temp_database

HEADER = "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\n\nmetadata = sa.MetaData()\n"


def project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n'
                                      'naming = "postgresql"\n')
    return root


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def _ok(r: Any, what: str) -> None:
    assert r.code == 0, f"{what}: exit {r.code}\n{r.stdout}\n{r.stderr}"


def pull_round_trip(tmp_path: Path, run_mizzle: Callable[..., Any], sql: Sequence[str],
                    expect_in_code: Sequence[str] = (), prelude: Sequence[str] = ()) -> str:
    """Step 1; returns the pulled module's text. `prelude`: SQL for what mizzle does not manage (extensions), run
    on every database first."""
    with temp_database("mzfeat") as source:
        execute(source, *prelude, *sql)
        root = project(tmp_path / "pulled")
        _ok(run_mizzle(["pull"], cwd=root, url=source), "pull")
        code = (root / "db" / "schema.py").read_text()
        for text in expect_in_code:
            assert text in code, f"{text!r} not in the pulled module:\n{code}"
        _ok(run_mizzle(["generate", "--check"], cwd=root, url=source), "generate --check of the pulled code")
        d = run_mizzle(["drift"], cwd=root, url=source)
        assert d.code == 0, f"drift of the pulled database: {d.code}\n{d.stdout}\n{d.stderr}"
        expected = schema_dump(source)
        export = run_mizzle(["export"], cwd=root)
        _ok(export, "export")
        with temp_database("mzfeat") as rebuilt:
            execute(rebuilt, *prelude)
            apply_sql(rebuilt, export.stdout)
            assert schema_dump(rebuilt) == expected, export.stdout
        with temp_database("mzfeat") as migrated:
            execute(migrated, *prelude)
            _ok(run_mizzle(["migrate"], cwd=root, url=migrated), "migrate of the pulled baseline")
            assert schema_dump(migrated) == expected
        return code


def code_versions(tmp_path: Path, run_mizzle: Callable[..., Any], versions: Sequence[tuple[str, Sequence[str]]],
                  hand_change: Sequence[str] = ()) -> list[str]:
    """Step 2 and 3: each version is (schema code body after HEADER, the SQL that builds the same database);
    returns the migrations' SQL text, one per version. `hand_change` is applied after the last version."""
    root = project(tmp_path / "code")
    (root / "db").mkdir(exist_ok=True)
    sqls: list[str] = []
    with temp_database("mzfeat") as db:
        for i, (body, sql) in enumerate(versions):
            (root / "db" / "schema.py").write_text(HEADER + body)
            _ok(run_mizzle(["generate", "--name", f"v{i}"], cwd=root), f"generate v{i}")
            files = sorted((root / "migrations").glob("*.sql"))
            sqls.append(files[-1].read_text() if len(files) > i else "")
            _ok(run_mizzle(["migrate"], cwd=root, url=db), f"migrate v{i}\n{sqls[-1]}")
            d = run_mizzle(["drift"], cwd=root, url=db)
            assert d.code == 0, f"drift after v{i}: {d.code}\n{d.stdout}\n{d.stderr}\n{sqls[-1]}"
            _ok(run_mizzle(["generate", "--check"], cwd=root), f"generate --check after v{i}")
            with temp_database("mzfeat") as by_sql:
                execute(by_sql, *sql)
                assert schema_dump(db) == schema_dump(by_sql), f"v{i}:\n{sqls[-1]}"
        if hand_change:
            execute(db, *hand_change)
            d = run_mizzle(["drift"], cwd=root, url=db)
            assert d.code == 3, f"drift after a change by hand: {d.code}\n{d.stdout}\n{d.stderr}"
    return sqls
