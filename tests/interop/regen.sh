#!/usr/bin/env bash
# Regenerate the whole reference corpus from the step schemas with the pinned drizzle-kit.
# (Every run gives new snapshot ids, journal "when" values and so new hashes: only rerun on purpose.)
# usage: bash regen.sh            (needs `npm ci` / `npm install` in this folder first)
set -euo pipefail
cd "$(dirname "$0")"
G() { # G <dialect-dir> <step> [answers...]  -- non-interactive unless answers are given
  local d=$1 step=$2; shift 2
  cp "$d/steps/$step/schema.ts" "$d/schema.ts"
  if [ $# -eq 0 ]; then
    timeout 120 npx --no-install drizzle-kit generate --config "$d/drizzle.config.ts" --name "$step" </dev/null
  else
    local args=(); for a in "$@"; do args+=(--answer "$a"); done
    timeout 150 python3 drive_generate.py --config "$d/drizzle.config.ts" --name "$step" "${args[@]}"
  fi
}
rm -rf pg/out sqlite/out pg_types/out pg_concurrently/out

G pg step1
G pg step2
G pg step3
G pg step4 elapsed=rename:duration wakes_at=rename:wake_up locale=create
G pg step5 analytics.event_type=rename:event_kind organizations=rename:orgs
G pg step6
G pg step7 analytics.counters=rename:counters
cp pg/steps/step8/schema.ts pg/schema.ts
timeout 120 npx --no-install drizzle-kit generate --config pg/drizzle.config.ts --custom --name step8 </dev/null

G sqlite step1
G sqlite step2 bio=create login_count=create
G sqlite step3
G sqlite step4 labels=rename:tags content=rename:body

timeout 120 npx --no-install drizzle-kit generate --config pg_types/drizzle.config.ts --name one_of_each </dev/null
timeout 120 npx --no-install drizzle-kit generate --config pg_concurrently/drizzle.config.ts --name concurrently </dev/null
rm -f pg/schema.ts sqlite/schema.ts
