#!/usr/bin/env bash
# render-nginx.sh — renders the shipped nginx/*.in templates for a private nginx the
# deploy tests start beside the shared stack (own prefix, own ports, own upstream),
# with scripts/lib/common.sh's vs_render_nginx, so the tests exercise exactly the
# files an admin installs. The TLS certificate is the stack's (the tests trust it).
set -euo pipefail

usage() {
  cat <<'TXT'
usage: tests/deploy/render-nginx.sh --out DIR --https-port N --http-port N
                                    --upstream SPEC [--read-timeout SECONDS]

Writes DIR/nginx/{nginx.conf,vsession-*.conf} and DIR/nginx-state/, rendered from
nginx/*.in. SPEC is one nginx upstream server (unix:/path or host:port); callers that
want several servers rewrite the upstream block afterwards. Needs VSESSION_STATE_DIR
(the running stack: its TLS certificate, web root and login rate are reused).
TXT
}

out="" https_port="" http_port="" upstream="" read_timeout=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --https-port) https_port=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --upstream) upstream=$2; shift 2 ;;
    --read-timeout) read_timeout=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "render-nginx.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$out" ] || [ -z "$https_port" ] || [ -z "$http_port" ] || [ -z "$upstream" ]; then usage >&2; exit 2; fi
: "${VSESSION_STATE_DIR:?VSESSION_STATE_DIR is not set (run under scripts/test or source the stack env)}"

# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/common.sh
. "$(dirname "$0")/../../scripts/lib/common.sh"

stack_conf=$VSESSION_STATE_DIR/nginx
# The stack's own choices, read back from what it rendered, so this nginx behaves the same.
VS_WEB_ROOT=$(sed -n 's/^ *root \(.*\);$/\1/p' "$stack_conf/vsession-locations.conf" | head -1)
VS_LOGIN_RATE=$(sed -n 's/.*zone=vsession_login:[^ ]* rate=\([^;]*\);.*/\1/p' "$stack_conf/vsession-http.conf" | head -1)
VS_LOGIN_BURST=$(sed -n 's/.*limit_req zone=vsession_login burst=\([0-9]*\).*/\1/p' "$stack_conf/vsession-locations.conf" | head -1)
if [ -z "$VS_WEB_ROOT" ] || [ -z "$VS_LOGIN_RATE" ] || [ -z "$VS_LOGIN_BURST" ]; then
  vs_die "cannot read the stack's web root and login rate from $stack_conf"
fi

VS_STATE=$out
VS_RUNTIME=$out
VS_HTTPS_PORT=$https_port
VS_HTTP_PORT=$http_port
VS_UPSTREAM=$upstream
VS_NGINX_WORKERS=1
if [ -n "$read_timeout" ]; then VSESSION_REQUEST_TIMEOUT=$read_timeout; fi
install -d -m 0755 "$out"
install -d -m 0700 "$out/tls"
cp "$VSESSION_STATE_DIR/tls/cert.pem" "$VSESSION_STATE_DIR/tls/key.pem" "$out/tls/"
vs_render_nginx
echo "$out/nginx/nginx.conf"
