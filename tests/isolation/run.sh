#!/usr/bin/env bash
# tests/isolation/run.sh — runs the concurrency specs of this folder with PostgreSQL's isolation
# tester (pg_isolation_regress from postgresql-server-dev-15) against a running cluster whose
# database `vsession` is already migrated, and fails on any difference from the expected output
# beside each spec (NAME.spec → NAME.out).
#
# Before running, it checks that the SQL the specs copy from the library (the attempt-counter
# UPSERT, the login check and the logout) is still the library's SQL, so a change in lib/limits.c or lib/logins.c
# cannot leave the specs testing an old statement.
set -euo pipefail

usage() {
  cat <<'TXT'
usage: tests/isolation/run.sh [--keep] [SPEC...]

Runs tests/isolation/*.spec (or the named specs) with pg_isolation_regress against the
running cluster and exits non-zero when an output differs from its NAME.out.

Environment (scripts/test exports these):
  VSESSION_PG_SOCKET     the cluster's socket directory   (or host in VSESSION_DATABASE_URL)
  VSESSION_PG_PORT       its port                          (or port in VSESSION_DATABASE_URL)
  VSESSION_DATABASE_URL  superuser conninfo, used for the host, port and user when the
                         two above are unset (keyword=value form or postgresql:// URL)
  VSESSION_ISOLATION_BIN folder holding pg_isolation_regress and isolationtester
                         (default: the postgresql-server-dev-15 one)

  --keep   keep the results folder (it is kept anyway when a spec fails)
TXT
}

keep=0
specs=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --keep) keep=1; shift ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) specs+=("${1%.spec}"); shift ;;
  esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bindir=${VSESSION_ISOLATION_BIN:-/usr/lib/postgresql/15/lib/pgxs/src/test/isolation}
if [ ! -x "$bindir/pg_isolation_regress" ] || [ ! -x "$bindir/isolationtester" ]; then
  echo "run.sh: no pg_isolation_regress/isolationtester in $bindir (install postgresql-server-dev-15)" >&2
  exit 2
fi

# Host, port and user: the explicit variables first, else parsed from the conninfo.
url=${VSESSION_DATABASE_URL:-}
conn_field() { # conn_field KEY → the value of KEY=... in a keyword=value conninfo, or of the URL part
  local key=$1 v=""
  if [[ $url =~ ^postgres(ql)?:// ]]; then
    case $key in
      host) v=$(sed -nE 's|^[^?]*\?(.*&)?host=([^&]*).*|\2|p' <<<"$url"); [ -n "$v" ] || v=$(sed -nE 's|^postgres(ql)?://([^@/]*@)?([^:/?]*).*|\3|p' <<<"$url") ;;
      port) v=$(sed -nE 's|^[^?]*\?(.*&)?port=([^&]*).*|\2|p' <<<"$url"); [ -n "$v" ] || v=$(sed -nE 's|^postgres(ql)?://([^@/]*@)?[^:/?]*:([0-9]+).*|\3|p' <<<"$url") ;;
      user) v=$(sed -nE 's|^postgres(ql)?://([^:@/]*)[:@].*|\2|p' <<<"$url") ;;
    esac
    v=$(printf '%b' "${v//%/\\x}")
  else
    v=$(sed -nE "s/(^|.*[[:space:]])$key=([^[:space:]]*).*/\\2/p" <<<"$url")
  fi
  printf '%s' "$v"
}
host=${VSESSION_PG_SOCKET:-$(conn_field host)}
port=${VSESSION_PG_PORT:-$(conn_field port)}
user=$(conn_field user)
user=${user:-postgres}
if [ -z "$host" ] || [ -z "$port" ]; then
  echo "run.sh: set VSESSION_PG_SOCKET and VSESSION_PG_PORT (or VSESSION_DATABASE_URL)" >&2
  exit 2
fi

# ---- the specs' copies of the library's SQL are still the library's SQL ----------------------

# The SQL text of `static struct vs_stmt NAME = VS_STMT("name", n, b, "..." "...");` in a C file:
# every string literal after the statement's name, joined (perl-base is on every Debian), once
# the C preprocessor has expanded the audit-row macros (lib/include/vsession/audit_sql.h).
c_stmt() {
  perl -0777 -ne 'if (/static struct vs_stmt \Q'"$2"'\E = VS_STMT\((.*?)\);/s) { print "$1\n" }' "$1" |
    { printf '#include "vsession/audit_sql.h"\n'; cat; } |
    ${CC:-cc} -E -P -I "$root/lib/include" -x c - |
    perl -0777 -ne 'my @s = (/"((?:[^"\\]|\\.)*)"/g); shift @s; print join("", @s)'
}
# Each text between /*copy:TAG*/ and /*end:TAG*/ in a spec, one a line, whitespace collapsed.
spec_copies() {
  perl -0777 -ne 'while (m{/\*copy:'"$2"'\*/(.*?)/\*end:'"$2"'\*/}sg) { (my $s = $1) =~ s/\s+/ /g;
      $s =~ s/^ | $//g; print "$s\n" }' "$1"
}
norm() { tr "\n\t" "  " | sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//'; }
check_copy() {
  local spec=$1 tag=$2 cfile=$3 cname=$4 want got n=0
  want=$(c_stmt "$root/$cfile" "$cname" | norm)
  if [ -z "$want" ]; then
    echo "run.sh: $cname not found in $cfile; has the statement moved?" >&2
    return 1
  fi
  while IFS= read -r got; do
    n=$((n + 1))
    if [ "$want" != "$got" ]; then
      echo "run.sh: copy $n of $cname in $spec (between /*copy:$tag*/ and /*end:$tag*/) differs from $cfile:" >&2
      echo "  library: $want" >&2
      echo "  spec:    $got" >&2
      return 1
    fi
  done < <(spec_copies "$here/$spec" "$tag")
  if [ "$n" -eq 0 ]; then
    echo "run.sh: no /*copy:$tag*/ ... /*end:$tag*/ in $spec" >&2
    return 1
  fi
}
copies_ok=0
check_copy attempt-counter.spec limit_reserve lib/limits.c stLimitReserve || copies_ok=1
check_copy attempt-counter.spec limit_release lib/limits.c stLimitRelease || copies_ok=1
check_copy logout-race.spec login_guard lib/logins.c stLoginGuard || copies_ok=1
check_copy logout-race.spec logout lib/logins.c stLogout || copies_ok=1
[ "$copies_ok" -eq 0 ] || exit 1

# ---- run ---------------------------------------------------------------------------------------

if [ ${#specs[@]} -eq 0 ]; then
  for f in "$here"/*.spec; do specs+=("$(basename "$f" .spec)"); done
fi

# pg_isolation_regress reads INPUTDIR/specs/NAME.spec and INPUTDIR/expected/NAME.out; here both
# live side by side, so both names point at this folder. Results go to a throwaway folder.
work=$(mktemp -d /tmp/vsession-isolation.XXXXXX)
chmod 0755 "$work"
ln -s "$here" "$work/specs"
ln -s "$here" "$work/expected"
install -d "$work/out"
set +e
"$bindir/pg_isolation_regress" --use-existing --host="$host" --port="$port" --user="$user" \
  --dbname=vsession --inputdir="$work" --outputdir="$work/out" "${specs[@]}"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  [ -f "$work/out/regression.diffs" ] && cat "$work/out/regression.diffs"
  echo "isolation specs failed; results in $work/out" >&2
  exit 1
fi
if [ "$keep" -eq 1 ]; then echo "results in $work/out"; else rm -rf "$work"; fi
echo "isolation specs: ${#specs[@]} passed, 0 failed"
