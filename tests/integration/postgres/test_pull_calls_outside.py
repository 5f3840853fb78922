"""A default, a CHECK and a policy calling a function of a schema `schema_filter` leaves out (Supabase's
`auth.uid()`, pulled with `schema_filter = ["public"]`): the baseline's CREATE TABLE and CREATE POLICY fail
wherever that function is missing (verify and migrate: schema "auth" does not exist). pull names the calls, as it
names a trigger's call to such a function and as generate names them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

pytestmark = pytest.mark.pg


def test_calls_to_a_function_outside_the_scope_are_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzcall") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE SCHEMA auth",
                      "CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid'",
                      "CREATE TABLE notes (id int PRIMARY KEY, owner uuid DEFAULT auth.uid(), body text)",
                      "ALTER TABLE notes ENABLE ROW LEVEL SECURITY",
                      "CREATE POLICY own ON notes USING (owner = auth.uid())"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n'
                                              'schema_filter = ["public"]\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stdout + r.stderr
        out = r.stdout + r.stderr
        line = next((ln for ln in out.splitlines() if "auth.uid()" in ln), "")
        assert "default of notes.owner" in line and "policy own on notes" in line, out
        whole = tmp_path / "whole"  # the whole database: auth is pulled too, nothing to say
        whole.mkdir()
        (whole / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=whole, url=source)
        assert r.code == 0 and "auth.uid()" not in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_trigger_outside_the_scope_calling_a_pulled_function_is_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Supabase's user-management, slack-clone and basejump migrations make `on_auth_user_created`, a trigger on
    auth.users executing public.handle_new_user(): pulled with `schema_filter = ["public"]`, the function is in the
    module and the baseline, the trigger in neither, so a database built from the baseline never runs it (pg_dump -s
    differed there and nowhere else) and pull, drift and verify said nothing. It is named now."""
    with temp_database("mzcall") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ("CREATE SCHEMA auth", "CREATE TABLE auth.users (id uuid PRIMARY KEY, email text)",
                      "CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users, username text)",
                      "CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
                      "AS $$ BEGIN INSERT INTO public.profiles (id) VALUES (new.id); RETURN new; END $$",
                      "CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users "
                      "FOR EACH ROW EXECUTE PROCEDURE public.handle_new_user()"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n'
                                              'schema_filter = ["public"]\n')
        line = ("1 objects of a schema outside the scope (schema_filter) using what is in it (a rebuild does not make "
                "them): trigger on_auth_user_created on auth.users uses function public.handle_new_user()")
        for command in (["pull"], ["drift"]):
            r = run_mizzle(command, cwd=tmp_path, url=source)
            assert r.code == 0 and line in r.stdout + r.stderr, r.stdout + r.stderr
        whole = tmp_path / "whole"  # the whole database: the trigger is pulled too, nothing to say
        whole.mkdir()
        (whole / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        r = run_mizzle(["pull", "--no-mark"], cwd=whole, url=source)
        assert r.code == 0 and "outside the scope" not in r.stdout + r.stderr, r.stdout + r.stderr
        assert "Trigger('on_auth_user_created'" in (whole / "schema.py").read_text()
