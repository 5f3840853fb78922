"""MZ0xx: the file itself — statements PostgreSQL's parser rejects, `-- mizzle:lint-ignore` lines that
name no rule or apply to nothing. Reported by the engine, which sees them first."""

from __future__ import annotations

from .registry import ERROR, WARNING, rule

SYNTAX_ERROR = rule("MZ001", ERROR, "statement does not parse",
                    "fix the SQL (this is PostgreSQL's own parser talking; a psql meta-command such as \\i does "
                    "not work in a migration either)")
BAD_IGNORE = rule("MZ002", WARNING, "misplaced or unknown `-- mizzle:lint-ignore`",
                  "name rule ids (e.g. MZ204) on the line right above the statement, or at the top of the file "
                  "followed by a blank line")
