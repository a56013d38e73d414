#!/usr/bin/env bash
# tests/fault/run.sh — runs the fault-injection tests (tests/fault/*.test.mjs): API workers
# SIGKILLed and PostgreSQL restarted under a steady write load, then checks that every
# acknowledged write survived and nothing half-written is visible.
#
# Against the stack whose environment is exported (scripts/test does that), or, with
# --own-stack, against a throwaway stack this script starts and stops itself (free ports, its
# own state folder) with the functions of scripts/lib/common.sh.
set -euo pipefail

usage() {
  cat <<'TXT'
usage: tests/fault/run.sh [--own-stack] [-- NODE_TEST_ARGS...]

Runs node --test --test-concurrency=1 tests/fault/*.test.mjs. Needs root (pg_ctl runs as
postgres, the API's workers are killed).

  --own-stack   build (into $VSESSION_BUILD_DIR, default build-test) and start a throwaway
                stack, run the tests against it, stop it again
Without it the stack's environment must be set (scripts/test exports it, or source a state
folder's env file): VSESSION_BASE_URL, VSESSION_DATABASE_URL, VSESSIONCTL, VSESSION_PG_DATA,
VSESSION_PG_SOCKET, VSESSION_PG_PORT, VSESSION_API_PID_FILE, NODE_EXTRA_CA_CERTS.

Tuning: VSESSION_FAULT_KILLS (default 8), VSESSION_FAULT_PARTNERS (default 8).
TXT
}

own=0
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --own-stack) own=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (pg_ctl as postgres, killing the API's workers)" >&2; exit 2; }

if [ "$own" -eq 1 ]; then
  # shellcheck source=scripts/lib/common.sh
  . "$root/scripts/lib/common.sh"
  vs_stack_throwaway fault "${VSESSION_BUILD_DIR:-$root/build-test}"
  VS_NGINX_WORKERS=2
  export VS_PG_FSYNC=off
  cleanup() {
    local rc=$?
    vs_stack_stop || true
    if [ "$rc" -eq 0 ]; then rm -rf "$VS_STATE"; else echo "logs kept in $VS_STATE" >&2; fi
  }
  trap cleanup EXIT
  vs_log "building into $VS_BUILD"
  vs_build "$VS_BUILD" -DVSESSION_TESTING=ON
  export NODE_EXTRA_CA_CERTS=$VS_STATE/tls/cert.pem
  vs_stack_start
  set -a
  # shellcheck disable=SC1091
  . "$VS_STATE/env"
  set +a
  export VSESSION_API_BIN=$VS_BUILD/vsession-api VSESSION_BUILD_DIR=$VS_BUILD VSESSION_ROOT=$root
fi

for v in VSESSION_BASE_URL VSESSION_DATABASE_URL VSESSIONCTL VSESSION_PG_DATA VSESSION_PG_SOCKET VSESSION_PG_PORT VSESSION_API_PID_FILE; do
  [ -n "${!v:-}" ] || { echo "run.sh: $v is not set (run through scripts/test, source a stack's env, or use --own-stack)" >&2; exit 2; }
done

[ -d "$root/tests/node_modules" ] || (cd "$root/tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
node --test --test-concurrency=1 "${extra[@]}" "$here"/*.test.mjs
