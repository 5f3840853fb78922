"""Test helpers for the real PostgreSQL server: throwaway databases, applying SQL, comparing schemas."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

HOST = os.environ.get("MIZZLE_TEST_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("MIZZLE_TEST_PGPORT", "5432"))
USER = os.environ.get("MIZZLE_TEST_PGUSER", "postgres")


def url_for(db: str) -> str:
    return f"postgresql://{USER}@{HOST}:{PORT}/{db}"


def admin() -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True)


@contextmanager
def temp_database(prefix: str = "mz") -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin() as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        with admin() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def apply_sql(url: str, text: str) -> None:
    """Apply a migration file's statements in autocommit mode, one statement per execute (as psql -f would)."""
    from mizzle.migrations.folder import split_statements

    with psycopg.connect(url, autocommit=True) as c:
        for st in split_statements(text):
            try:
                c.execute(st.sql)
            except psycopg.Error as e:
                raise AssertionError(f"statement {st.number} failed: {e}\n{st.sql}") from None


def schema_dump(url: str, exclude_schemas: tuple[str, ...] = ("drizzle",)) -> str:
    """`pg_dump -s`, its `\\restrict` lines and comments stripped, blind to column order."""
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    cmd = [pg_dump, "-s", "--no-owner", "--no-privileges", url]
    for s in exclude_schemas:
        cmd += ["-N", s]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    lines = [ln for ln in out.splitlines()
             if not ln.startswith(("\\restrict", "\\unrestrict", "--", "SET ", "SELECT pg_catalog.set_config"))
             and ln.strip()]
    # sort the column lines inside CREATE TABLE (...) blocks
    result: list[str] = []
    block: list[str] | None = None
    for ln in lines:
        if block is not None:
            if ln.startswith(")"):
                result.extend(sorted(x.rstrip(",") for x in block))
                result.append(ln)
                block = None
            else:
                block.append(ln)
            continue
        result.append(ln)
        if re.match(r"^CREATE (UNLOGGED )?TABLE .*\($", ln):
            block = []
    return "\n".join(result)
