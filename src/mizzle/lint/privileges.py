"""MZ5xx: statements the role running the migrations may not be allowed to run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast

from .registry import WARNING, Hit, rule, statement_check
from .source import SqlStatement
from .state import SchemaState

EXTENSION_NEEDS_SUPERUSER = rule(
    "MZ501", WARNING, "CREATE EXTENSION of an extension that is not trusted (only a superuser may create it)",
    "have a superuser create the extension once on each server (or install it in the template database) and keep "
    "`CREATE EXTENSION IF NOT EXISTS` in the migration, or run the migration as a superuser")

# PostgreSQL's contrib extensions marked trusted (13+): a user with CREATE on the database may create them
TRUSTED = frozenset({
    "btree_gin", "btree_gist", "citext", "cube", "dict_int", "earthdistance", "fuzzystrmatch", "hstore",
    "hstore_plperl", "intarray", "isn", "jsonb_plperl", "lo",
    "ltree", "pgcrypto", "pg_trgm", "seg", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time", "unaccent",
    "uuid-ossp", "plpgsql",
})


@statement_check
def check(st: SqlStatement, node: Any, state: SchemaState) -> Iterator[Hit]:
    if isinstance(node, ast.CreateExtensionStmt) and node.extname not in TRUSTED:
        yield Hit(EXTENSION_NEEDS_SUPERUSER, f"CREATE EXTENSION {node.extname}: not a trusted extension, so "
                                             "only a superuser may create it", st)
