"""Why a comparison with a live database differs only by a schema qualifier: its extensions live in a schema its
search_path lacks (Supabase's `extensions`), so the server prints their functions qualified."""

from __future__ import annotations

from typing import Any

_OFF_PATH = """
SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE n.nspname <> ALL (current_schemas(true)) ORDER BY 1"""


def off_path_note(conn: Any, changes: list[str]) -> list[str]:
    """A note where `changes` name a schema holding extensions that the search_path of `conn` lacks: a call to
    `uuid_generate_v4()` read where the search_path holds `extensions` (a Supabase project: `"$user", public,
    extensions`) is the server's `extensions.uuid_generate_v4()` here."""
    schemas = [str(r[0]) for r in conn.execute(_OFF_PATH).fetchall()]
    named = [s for s in schemas if any(f"{s}." in c or f'"{s}".' in c for c in changes)]
    if not named:
        return []
    path = str(conn.execute("SELECT current_setting('search_path')").fetchone()[0])
    listed = ", ".join(named)
    return [f"this database's search_path ({path}) lacks {listed}, where its extensions are, so the server prints "
            f"their functions qualified ({named[0]}.…) where the snapshot, read where the search_path holds "
            f"{listed} (Supabase sets \"$user\", public, extensions), names them bare: the same functions. Set it "
            f"as there (ALTER DATABASE … SET search_path = \"$user\", public, {listed}) and run this again"]
