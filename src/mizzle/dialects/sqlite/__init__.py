"""SQLite: the embedded default. Model conventions (see source.py), drizzle-kit's v6 snapshot, DDL with
table rebuilds, introspection, and the runner backend (stdlib sqlite3 only)."""
