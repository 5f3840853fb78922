#!/bin/sh
# Entrypoint of the migration-task image: `mizzle migrate`, configured from the environment, exiting with
# migrate's own exit code (exec: the task's exit code IS migrate's, and SIGTERM/SIGINT reach mizzle directly).
#
#   DATABASE_URL                 the database to migrate (or MIZZLE_ENV, whose url_env names the variable)
#   MIZZLE_ENV                   --env NAME: an [environments.NAME] of mizzle.toml
#   MIZZLE_REQUIRE_APPLIED_IN    --require-applied-in ENV|URL: the promotion gate (e.g. staging)
#   MIZZLE_LOCK_TIMEOUT          --lock-timeout SECONDS (default: wait for the lock)
#   MIZZLE_STATEMENT_TIMEOUT     --statement-timeout SECONDS
#   MIZZLE_CONFIG                --config PATH (default: mizzle.toml in the working directory)
#   MIZZLE_JSON=1                --json: one JSON document on stdout, for log pipelines
# Arguments given to the container are appended (e.g. `--dry-run`, `--to 0007_add_status`, or a fleet:
# `--fleet tenants --shard 0/4`, see k8s-fleet-job.yaml).
set -eu

has_target_arg=false
for arg in "$@"; do
  case "$arg" in --url|--url=*|--env|--env=*|--targets|--targets=*|--fleet|--fleet=*) has_target_arg=true ;; esac
done
# Without a target, mizzle would fall back to the config's `url` or to sqlite:///mizzle.db — inside a container,
# a throwaway file: the task would "succeed" and the deploy would go on against an unmigrated database.
if [ -z "${DATABASE_URL:-}" ] && [ -z "${MIZZLE_ENV:-}" ] && [ "$has_target_arg" = false ]; then
  echo "error: no database to migrate: set DATABASE_URL, or MIZZLE_ENV to an environment of mizzle.toml (or pass --targets/--fleet)" >&2
  exit 2
fi

if [ "${MIZZLE_JSON:-}" = 1 ]; then set -- --json "$@"; fi
if [ -n "${MIZZLE_STATEMENT_TIMEOUT:-}" ]; then set -- --statement-timeout "$MIZZLE_STATEMENT_TIMEOUT" "$@"; fi
if [ -n "${MIZZLE_LOCK_TIMEOUT:-}" ]; then set -- --lock-timeout "$MIZZLE_LOCK_TIMEOUT" "$@"; fi
if [ -n "${MIZZLE_REQUIRE_APPLIED_IN:-}" ]; then set -- --require-applied-in "$MIZZLE_REQUIRE_APPLIED_IN" "$@"; fi
if [ -n "${MIZZLE_ENV:-}" ]; then set -- --env "$MIZZLE_ENV" "$@"; fi
if [ -n "${MIZZLE_CONFIG:-}" ]; then set -- --config "$MIZZLE_CONFIG" "$@"; fi

exec mizzle migrate "$@"
