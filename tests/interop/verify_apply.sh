#!/usr/bin/env bash
# Apply the corpus with drizzle-orm's own migrators and report what works.
# pg/out as generated fails at 0002_step3 (text -> integer without USING); a copy with that one line
# patched (the edit a drizzle user has to make by hand) applies fully. sqlite/out likewise fails at
# 0002_step3 (expression index re-created as `lower("email")` after a table rebuild); patched copy applies.
# usage: bash verify_apply.sh   (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)
set -uo pipefail
cd "$(dirname "$0")"
PGH=(-h 127.0.0.1 -U postgres)
URL=postgres://postgres@127.0.0.1:5432
tmp=$(mktemp -d)
fresh() { dropdb "${PGH[@]}" --if-exists "$1" >/dev/null 2>&1; createdb "${PGH[@]}" "$1"; }
expect() { # expect <wanted rc> <label> cmd...
  local want=$1 label=$2; shift 2
  "$@" >"$tmp/out" 2>&1; local rc=$?
  if [ "$rc" = "$want" ]; then echo "ok   $label (rc=$rc)"; else echo "FAIL $label (rc=$rc, wanted $want)"; cat "$tmp/out"; fi
  grep -h 'Failed\|cause' "$tmp/out" | sed 's/^/     /' | head -3
}

fresh drizref_verify
expect 1 "pg/out as generated fails at 0002_step3" timeout 60 node migrate.mjs "$URL/drizref_verify" pg/out
cp -r pg/out "$tmp/pg"
sed -i 's/ALTER COLUMN "legacy_code" SET DATA TYPE integer;/ALTER COLUMN "legacy_code" SET DATA TYPE integer USING "legacy_code"::integer;/' "$tmp/pg/0002_step3.sql"
fresh drizref_verify
expect 0 "pg/out with 0002_step3 patched (USING) applies" timeout 60 node migrate.mjs "$URL/drizref_verify" "$tmp/pg"
expect 0 "pg/out re-run is a no-op" timeout 60 node migrate.mjs "$URL/drizref_verify" "$tmp/pg"
dropdb "${PGH[@]}" drizref_verify

fresh drizref_verify
psql "${PGH[@]}" -q -c 'DROP ROLE IF EXISTS reader' >/dev/null 2>&1
expect 0 "pg_types/out applies" timeout 60 node migrate.mjs "$URL/drizref_verify" pg_types/out
dropdb "${PGH[@]}" drizref_verify
psql "${PGH[@]}" -q -c 'DROP ROLE IF EXISTS reader' >/dev/null 2>&1

fresh drizref_verify
expect 1 "pg_concurrently/out fails (CONCURRENTLY inside the migrator's transaction)" timeout 60 node migrate.mjs "$URL/drizref_verify" pg_concurrently/out
dropdb "${PGH[@]}" drizref_verify

expect 1 "sqlite/out as generated fails at 0002_step3" timeout 60 node migrate.mjs "sqlite:$tmp/a.db" sqlite/out
cp -r sqlite/out "$tmp/sqlite"
sed -i 's/ON `users` (`lower("email")`);/ON `users` (lower("email"));/' "$tmp/sqlite/0002_step3.sql"
expect 0 "sqlite/out with 0002_step3 patched applies" timeout 60 node migrate.mjs "sqlite:$tmp/b.db" "$tmp/sqlite"
expect 0 "sqlite/out re-run is a no-op" timeout 60 node migrate.mjs "sqlite:$tmp/b.db" "$tmp/sqlite"
rm -rf "$tmp"
