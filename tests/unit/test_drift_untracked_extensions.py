"""An extension of the database where the snapshot tracks none (the schema code declares no
mizzle.pg.Extension, or drizzle-kit wrote the snapshot): drift compared it on neither side and said nothing. The
fastapi full-stack template's Alembic migration creates `uuid-ossp`; after `mizzle baseline`, `drift` was silent
on it, and a database the mizzle migrations build has no such extension. It is listed now."""

from __future__ import annotations

from mizzle.commands.drift import untracked_extensions
from mizzle.schema.model import Schema
from mizzle.schema.security import Extension, make_security


def _with(extensions: list[Extension] | None) -> Schema:
    return Schema(tables=()).with_(security=make_security(extensions))


def test_an_untracked_snapshot_lists_the_databases_extensions() -> None:
    lines = untracked_extensions(_with(None), _with([Extension("uuid-ossp", "public"), Extension("citext")]))
    assert lines == ["not compared (the snapshot tracks no extensions: the schema code declares none with "
                     "mizzle.pg.Extension): 2 extensions: citext, uuid-ossp"]


def test_nothing_when_tracked_or_none() -> None:
    assert untracked_extensions(_with([Extension("citext")]), _with([Extension("citext")])) == []
    assert untracked_extensions(_with(None), _with(None)) == []
    assert untracked_extensions(_with(None), _with([])) == []
