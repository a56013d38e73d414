# shellcheck shell=bash
# common.sh — what scripts/run, scripts/test, scripts/stop and scripts/bench share:
# installing packages, building, a private PostgreSQL cluster, starting and
# stopping the API workers and nginx. Source it; it defines functions only.

VS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VS_PG_BIN=/usr/lib/postgresql/15/bin
# The development stacks never read an installed /etc/vsession/vsession.env.
export VSESSION_CONFIG_FILE=/dev/null

vs_log() { printf '==> %s\n' "$*" >&2; }
vs_warn() { printf 'warning: %s\n' "$*" >&2; }
vs_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Packages the stack needs to build and run.
VS_RUN_PACKAGES=(build-essential cmake pkg-config libfcgi-dev libfcgi-bin libpq-dev libcjson-dev
  libargon2-dev libjwt-dev libssl-dev libcurl4-openssl-dev postgresql-15 postgresql-contrib nginx openssl curl ca-certificates
  python3
  nodejs npm)
# And what the tests add: a browser, load and fault tools, sanitizers, fuzzing.
VS_TEST_PACKAGES=(chromium fonts-dejavu-core clang libclang-rt-14-dev valgrind pgbouncer spawn-fcgi wrk
  postgresql-server-dev-15 systemd debhelper dpkg-dev fakeroot lintian)

# Installs the packages among "$@" that are missing (apt, as root or with sudo).
vs_install_packages() {
  local missing=() p sudo=()
  for p in "$@"; do
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || vs_die "missing packages (${missing[*]}) and no sudo to install them"
    sudo=(sudo)
  fi
  vs_log "installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 with the extra cmake options that follow; warnings are errors
# there, as in the ci preset (CMakePresets.json).
vs_build() {
  local dir=$1; shift
  cmake -S "$VS_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSESSION_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)" >/dev/null
}

# Builds the single-page app into app/web/dist when it is missing or stale.
vs_build_web() {
  local web=$VS_ROOT/app/web force=${1:-}
  [ -f "$web/package.json" ] || return 0
  if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules" ]; then
    vs_log "installing the web app's npm packages"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$web/node_modules"
  fi
  if [ -n "$force" ] || [ ! -f "$web/dist/index.html" ] ||
     [ -n "$(find "$web/src" "$web/public" "$web/index.html" "$web/package.json" "$web/vite.config.js" -newer "$web/dist/index.html" -print -quit 2>/dev/null)" ]; then
    vs_log "building the web app"
    (cd "$web" && npm run build --silent >/dev/null)
  fi
}

# A TCP port nobody listens on, from a random start.
vs_free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 7 + i * 13) % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  vs_die "no free port found"
}

# True when user $1 can read path $2 (every folder above it must be traversable).
vs_readable_by() { runuser -u "$1" -- test -r "$2" 2>/dev/null; }

# ---- PostgreSQL ---------------------------------------------------------------------------

# Creates a cluster in $1 (owned by postgres) unless it exists.
vs_pg_init() {
  local data=$1
  [ -f "$data/PG_VERSION" ] && return 0
  id postgres >/dev/null 2>&1 || vs_die "the postgres user is missing (is postgresql-15 installed?)"
  install -d -o postgres -g postgres -m 0700 "$data"
  runuser -u postgres -- "$VS_PG_BIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -N >/dev/null
}

# Starts the cluster in $1 with its socket in $2 on port $3; no TCP at all.
# The cluster trusts whoever reaches its socket, so the socket's folder is
# private (postgres, 0700): only root (the scripts, the API they start) and
# postgres itself (PgBouncer in the tests) get in, never another local account.
vs_pg_start() {
  local data=$1 sock=$2 port=$3
  install -d -o postgres -g postgres -m 0700 "$sock"
  runuser -u postgres -- "$VS_PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
    -o "-k $sock -p $port -c listen_addresses='' -c max_connections=300 -c shared_buffers=256MB -c fsync=${VS_PG_FSYNC:-on}" \
    start >/dev/null
}

vs_pg_stop() {
  local data=$1
  [ -f "$data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$VS_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

# psql as the superuser against database $DB (default postgres).
vs_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$VS_PG_SOCK" -p "$VS_PG_PORT" -U postgres -d "${VS_PG_DB:-postgres}" "$@"
}

# Creates the database and the API's login role, migrates, grants.
vs_db_setup() {
  if ! VS_PG_DB=postgres vs_psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'vsession'" | grep -q 1; then
    VS_PG_DB=postgres vs_psql -c "CREATE DATABASE vsession"
  fi
  VS_PG_DB=postgres vs_psql -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vsession_api') THEN CREATE ROLE vsession_api LOGIN; END IF; END \$\$"
  VSESSION_DATABASE_URL=$VS_OWNER_URL "$VS_BUILD/vsessionctl" migrate --dir "$VS_ROOT/sql/migrations" >/dev/null
  VS_PG_DB=vsession vs_psql -c "GRANT vsession_app TO vsession_api"
}

# ---- the stack ----------------------------------------------------------------------------

# Renders nginx/*.in into $VS_STATE/nginx with this stack's values.
vs_render_nginx() {
  local conf=$VS_STATE/nginx f name user_line extra=""
  install -d "$conf" "$VS_STATE/nginx-state"
  if vs_readable_by www-data "$VS_WEB_ROOT/index.html" && vs_readable_by www-data "$VS_RUNTIME"; then
    user_line="user www-data;"
  else
    user_line="user root;"
  fi
  if [ -n "${VSESSION_JITSI_STUB:-}" ]; then
    extra="location = /external_api.js { include $conf/vsession-headers.conf; add_header Cache-Control \"no-store\" always; default_type application/javascript; alias $VSESSION_JITSI_STUB; }"
  fi
  cp "$VS_ROOT/nginx/vsession-fastcgi.conf" "$conf/"
  for f in "$VS_ROOT"/nginx/*.in; do
    name=$(basename "$f" .in)
    sed -e "s|@UPSTREAM@|${VS_UPSTREAM:-unix:$VS_RUNTIME/api.sock}|g" \
        -e "s|@LOGIN_RATE@|${VS_LOGIN_RATE:-10r/s}|g" \
        -e "s|@LOGIN_BURST@|${VS_LOGIN_BURST:-20}|g" \
        -e "s|@JITSI_DOMAIN@|${JITSI_DOMAIN:-meet.jit.si}|g" \
        -e "s|@CONF_DIR@|$conf|g" \
        -e "s|@WEB_ROOT@|$VS_WEB_ROOT|g" \
        -e "s|@READ_TIMEOUT@|${VSESSION_REQUEST_TIMEOUT:-30}s|g" \
        -e "s|@HTTPS_PORT@|$VS_HTTPS_PORT|g" \
        -e "s|@HTTP_PORT@|$VS_HTTP_PORT|g" \
        -e "s|@TLS_CERT@|$VS_STATE/tls/cert.pem|g" \
        -e "s|@TLS_KEY@|$VS_STATE/tls/key.pem|g" \
        -e "s|@STATE_DIR@|$VS_STATE/nginx-state|g" \
        -e "s|@ACCESS_LOG@|${VS_NGINX_ACCESS_LOG:-$VS_STATE/nginx-state/access.log}|g" \
        -e "s|@NGINX_WORKERS@|${VS_NGINX_WORKERS:-auto}|g" \
        -e "s|@USER_LINE@|$user_line|g" \
        -e "s|@EXTRA_LOCATIONS@|$extra|g" \
        -e "s|@PREFIX@||g" -e "s|@PREFIX_REDIRECT@||g" \
        "$f" > "$conf/$name"
  done
}

# A self-signed certificate for localhost, made once.
vs_tls_cert() {
  install -d -m 0700 "$VS_STATE/tls"
  [ -f "$VS_STATE/tls/cert.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -keyout "$VS_STATE/tls/key.pem" -out "$VS_STATE/tls/cert.pem" >/dev/null 2>&1
}

# A random JWT secret, made once, readable only by its owner.
vs_jwt_secret() {
  [ -f "$VS_STATE/jwt-secret" ] && return 0
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 > "$VS_STATE/jwt-secret")
}

# Starts the API master (and its workers) in the background.
vs_api_start() {
  local sock=$VS_RUNTIME/api.sock
  rm -f "$sock"
  env VSESSION_DATABASE_URL="$VS_API_URL" \
      VSESSION_LISTEN="${VS_API_LISTEN:-unix:$sock}" \
      VSESSION_SOCKET_GROUP="$(id -gn www-data 2>/dev/null || echo root)" \
      VSESSION_JWT_SECRET_FILE="$VS_STATE/jwt-secret" \
      VSESSION_PUBLIC_URL="https://localhost:$VS_HTTPS_PORT" \
      ${VS_API_WRAPPER:-} "$VS_BUILD/vsession-api" >>"$VS_STATE/api.log" 2>&1 &  # the wrapper is split into words on purpose
  echo $! > "$VS_STATE/api.pid"
  local i tries=100
  [ -n "${VS_API_WRAPPER:-}" ] && tries=600   # valgrind starts slowly
  for i in $(seq 1 "$tries"); do
    [ -S "${VS_API_SOCKET_WAIT:-$sock}" ] && return 0
    kill -0 "$(cat "$VS_STATE/api.pid")" 2>/dev/null || { tail -5 "$VS_STATE/api.log" >&2; vs_die "the API did not start"; }
    sleep 0.1
  done
  vs_die "the API socket did not appear"
}

vs_nginx_start() {
  nginx -t -q -p "$VS_STATE/nginx-state" -e "$VS_STATE/nginx-state/error.log" -c "$VS_STATE/nginx/nginx.conf" ||
    vs_die "nginx rejected the configuration"
  nginx -p "$VS_STATE/nginx-state" -e "$VS_STATE/nginx-state/error.log" -c "$VS_STATE/nginx/nginx.conf"
}

# Waits until /api/health answers 200 through nginx.
vs_wait_healthy() {
  local i
  for i in $(seq 1 150); do
    if curl -ksf -o /dev/null "https://localhost:$VS_HTTPS_PORT/api/health"; then return 0; fi
    sleep 0.2
  done
  vs_die "the stack did not become healthy (see $VS_STATE/api.log and $VS_STATE/nginx-state/error.log)"
}

# Starts vsession-mailer against $VSESSION_SMTP_URL, or, without one, against a catch-all SMTP
# server for development (scripts/lib/mail-catcher.py) that writes every message to
# $VS_STATE/mail/ (index.html lists them). Passes VSESSION_SMTP_USER, VSESSION_SMTP_PASSWORD_FILE
# and VSESSION_MAIL_FROM through. Only scripts/run starts it: test layers start their own.
vs_mailer_start() {
  local url=${VSESSION_SMTP_URL:-} port i
  if [ -z "$url" ]; then
    port=$(vs_free_port)
    install -d "$VS_STATE/mail"
    python3 "$VS_ROOT/scripts/lib/mail-catcher.py" --port "$port" --dir "$VS_STATE/mail" >>"$VS_STATE/mail-catcher.log" 2>&1 &
    echo $! > "$VS_STATE/mail-catcher.pid"
    for i in $(seq 1 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    url=smtp://127.0.0.1:$port
  fi
  env VSESSION_DATABASE_URL="$VS_API_URL" \
      VSESSION_JWT_SECRET_FILE="$VS_STATE/jwt-secret" \
      VSESSION_PUBLIC_URL="https://localhost:$VS_HTTPS_PORT" \
      VSESSION_SMTP_URL="$url" \
      VSESSION_MAIL_FROM="${VSESSION_MAIL_FROM:-sessions@vsession.localhost}" \
      "$VS_BUILD/vsession-mailer" >>"$VS_STATE/mailer.log" 2>&1 &
  echo $! > "$VS_STATE/mailer.pid"
}

# Stops whatever this state folder started; safe to call twice.
vs_stack_stop() {
  local pid i
  if [ -f "$VS_STATE/nginx-state/nginx.pid" ]; then
    kill -QUIT "$(cat "$VS_STATE/nginx-state/nginx.pid")" 2>/dev/null || true
  fi
  for pid in mailer mail-catcher; do
    if [ -f "$VS_STATE/$pid.pid" ]; then
      kill -TERM "$(cat "$VS_STATE/$pid.pid")" 2>/dev/null || true
      rm -f "$VS_STATE/$pid.pid"
    fi
  done
  if [ -f "$VS_STATE/api.pid" ]; then
    pid=$(cat "$VS_STATE/api.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$VS_STATE/api.pid"
  fi
  for i in $(seq 1 50); do
    [ -f "$VS_STATE/nginx-state/nginx.pid" ] || break
    sleep 0.1
  done
  [ -n "${VS_PG_DATA:-}" ] && vs_pg_stop "$VS_PG_DATA"
  return 0
}

# A throwaway stack's variables: a new state folder /tmp/vsession-NAME.XXXXXX (mode 0755, so
# postgres and nginx's workers reach into it), its runtime and PostgreSQL folders, free ports,
# and the build folder BUILD. vs_stack_start then starts it; vs_stack_stop stops it.
# Used by scripts/test, scripts/bench and tests/fault/run.sh.
vs_stack_throwaway() {
  local name=$1
  VS_STATE=$(mktemp -d "/tmp/vsession-$name.XXXXXX")
  chmod 0755 "$VS_STATE"
  VS_RUNTIME=$VS_STATE/run
  install -d -m 0755 "$VS_RUNTIME"
  VS_PG_DATA=$VS_STATE/pg
  VS_BUILD=$2
  VS_HTTPS_PORT=$(vs_free_port)
  VS_HTTP_PORT=$(vs_free_port)
  VS_PG_PORT=$(vs_free_port)
}

# Sets the stack's variables from a state folder and ports, then starts it all.
# Needs: VS_STATE, VS_RUNTIME, VS_PG_DATA, VS_HTTPS_PORT, VS_HTTP_PORT, VS_PG_PORT, VS_BUILD.
vs_stack_start() {
  VS_PG_SOCK=$VS_RUNTIME/pg
  VS_OWNER_URL="host=$VS_PG_SOCK port=$VS_PG_PORT dbname=vsession user=postgres"
  VS_API_URL="host=$VS_PG_SOCK port=$VS_PG_PORT dbname=vsession user=vsession_api"
  VS_WEB_ROOT=${VS_WEB_ROOT:-$VS_ROOT/app/web/dist}
  if [ ! -f "$VS_WEB_ROOT/index.html" ]; then
    VS_WEB_ROOT=$VS_STATE/www
    install -d "$VS_WEB_ROOT"
    printf '<!doctype html><title>vsession</title><p>vsession is running. The web app is not built.</p>\n' > "$VS_WEB_ROOT/index.html"
  fi
  vs_pg_init "$VS_PG_DATA"
  vs_pg_start "$VS_PG_DATA" "$VS_PG_SOCK" "$VS_PG_PORT"
  vs_db_setup
  vs_tls_cert
  vs_jwt_secret
  vs_render_nginx
  vs_api_start
  vs_nginx_start
  vs_wait_healthy
  cat > "$VS_STATE/env" <<ENV
# Source this file to reach the running vsession stack.
export VSESSION_BASE_URL=https://localhost:$VS_HTTPS_PORT
export VSESSION_HTTP_URL=http://localhost:$VS_HTTP_PORT
export VSESSION_DATABASE_URL='$VS_OWNER_URL'
export VSESSION_API_DATABASE_URL='$VS_API_URL'
export VSESSIONCTL=$VS_BUILD/vsessionctl
export VSESSION_STATE_DIR=$VS_STATE
export VSESSION_PG_DATA=$VS_PG_DATA
export VSESSION_PG_SOCKET=$VS_PG_SOCK
export VSESSION_PG_PORT=$VS_PG_PORT
export VSESSION_API_PID_FILE=$VS_STATE/api.pid
export VSESSION_JITSI_DOMAIN=${JITSI_DOMAIN:-meet.jit.si}
ENV
}
