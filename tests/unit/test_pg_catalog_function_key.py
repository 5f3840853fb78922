"""A function called through its pg_catalog qualifier is the same call: the server stores
`DEFAULT pg_catalog.gen_random_uuid()` as `gen_random_uuid()` (pg_catalog is always searched first), so
drizzle-kit snapshots that keep the author's `pg_catalog.` spelling must compare equal to a pulled schema
(Kilo-Org/cloud: 44 uuid keys reported by `generate --check` after `pull`)."""

from __future__ import annotations

from mizzle.dialects.postgres.expressions import expression_key
from mizzle.dialects.postgres.types import default_key


def test_a_pg_catalog_qualified_default_is_the_unqualified_one() -> None:
    assert default_key("pg_catalog.gen_random_uuid()", "uuid") == default_key("gen_random_uuid()", "uuid")
    assert default_key('"pg_catalog"."now"()', "timestamp with time zone") == \
        default_key("now()", "timestamp with time zone")


def test_a_pg_catalog_qualified_call_in_an_expression_is_the_unqualified_one() -> None:
    assert expression_key("pg_catalog.lower(email) <> ''") == expression_key("lower(email) <> ''")


def test_another_schemas_function_keeps_its_qualifier() -> None:
    assert expression_key("auth.uid() = user_id") != expression_key("uid() = user_id")
    assert default_key("extensions.uuid_generate_v4()", "uuid") != default_key("uuid_generate_v4()", "uuid")


def test_sql_syntax_calls_are_untouched() -> None:
    assert expression_key("extract(epoch from created_at)") == expression_key("EXTRACT(EPOCH FROM created_at)")
    assert expression_key("substring(name from 1 for 3)") is not None


def test_a_public_qualified_call_is_the_unqualified_one() -> None:
    # mckaywrigley/chatbot-ui (supabase/migrations 20240108234547_add_assistants.sql): a policy on storage.objects
    # USING (bucket_id = 'assistant_images' AND public.non_private_assistant_exists(name)), which the server prints
    # without `public.` (it is on the search_path). The rebuilt snapshot keeps the SQL's text, the pulled module the
    # server's: `generate --check` reported the three such policies as changed
    assert expression_key("bucket_id = 'assistant_images' AND public.non_private_assistant_exists(name)") == \
        expression_key("bucket_id = 'assistant_images'::text AND non_private_assistant_exists(name)")
    assert default_key('"public"."next_code"()', "text") == default_key("next_code()", "text")
    assert expression_key("storage.foldername(name)") != expression_key("foldername(name)")
