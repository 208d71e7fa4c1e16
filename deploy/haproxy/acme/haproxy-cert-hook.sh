#!/bin/sh
# certbot deploy hook: installs a new or renewed certificate into HAProxy without dropping a connection.
#
#   certbot certonly --standalone --http-01-port 8888 -d api.example.com \
#     --deploy-hook /opt/miniprogram/current/deploy/haproxy/acme/haproxy-cert-hook.sh
#   (renewals: certbot's timer runs `certbot renew`, which calls the same hook for each renewed certificate)
#
# HAProxy routes /.well-known/acme-challenge/ on plain HTTP to 127.0.0.1:8888, where certbot --standalone
# listens during a challenge (deploy/haproxy/README.md, "TLS").
#
# certbot sets RENEWED_LINEAGE (/etc/letsencrypt/live/<name>). The hook writes <HAPROXY_CERT_DIR>/<name>.pem
# (chain then key, mode 600, replaced atomically), then:
#   - if HAProxy already serves that file: swaps it in memory through the runtime API
#     (`set ssl cert` + `commit ssl cert`): no reload, no connection dropped;
#   - otherwise (first certificate of a name, or the runtime API unreachable): reloads HAProxy seamlessly so
#     that it reads the new file, through its master CLI when HAPROXY_MASTER_SOCKET is set (docker compose),
#     else with HAPROXY_RELOAD_COMMAND.
#
# Variables (defaults for the VM layout in deploy/vm):
#   HAPROXY_CERT_DIR        /etc/haproxy/certs              the directory HAProxy's "crt" points at
#   HAPROXY_RUNTIME_SOCKET  /run/haproxy/admin.sock         HAProxy's admin socket
#   HAPROXY_MASTER_SOCKET   (unset)                         master CLI of `haproxy -W -S <path>`: "reload" there
#   HAPROXY_RELOAD_COMMAND  systemctl reload haproxy        used without a master socket
#   HAPROXY_CERT_OWNER      (unset)                         chown the PEM to this user when HAProxy runs as another one
# Talks to the socket with socat, or python3 when socat is absent (the certbot image has python3).
set -eu

lineage=${RENEWED_LINEAGE:?RENEWED_LINEAGE is not set: run me as certbot --deploy-hook}
cert_dir=${HAPROXY_CERT_DIR:-/etc/haproxy/certs}
socket=${HAPROXY_RUNTIME_SOCKET:-/run/haproxy/admin.sock}
master=${HAPROXY_MASTER_SOCKET:-}
reload=${HAPROXY_RELOAD_COMMAND:-systemctl reload haproxy}
owner=${HAPROXY_CERT_OWNER:-}

name=$(basename "$lineage")
target="$cert_dir/$name.pem"
tmp="$cert_dir/.$name.pem.tmp"

umask 077
# No blank line inside: the runtime API payload below ends at the first empty line.
cat "$lineage/fullchain.pem" "$lineage/privkey.pem" | grep -v '^[[:space:]]*$' > "$tmp"
if [ -n "$owner" ]; then chown "$owner" "$tmp"; fi
mv -f "$tmp" "$target"

# runtime [socket]: sends stdin to HAProxy's admin socket (or the given one) and prints the answer.
runtime() {
  if command -v socat >/dev/null 2>&1; then
    socat -t 5 stdio "UNIX-CONNECT:${1:-$socket}"
  else
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode())
' "${1:-$socket}"
  fi
}

if [ -S "$socket" ] && loaded=$(echo "show ssl cert" | runtime) && printf '%s\n' "$loaded" | grep -qxF "$target"; then
  answer=$({ printf 'set ssl cert %s <<\n' "$target"; cat "$target"; printf '\n'; } | runtime)
  case "$answer" in
    *"Transaction created"* | *"Transaction updated"*) ;;
    *) echo "haproxy-cert-hook: set ssl cert $target refused: $answer" >&2; exit 1 ;;
  esac
  answer=$(echo "commit ssl cert $target" | runtime)
  case "$answer" in
    *Success*) echo "haproxy-cert-hook: $target updated in place"; exit 0 ;;
    *) echo "haproxy-cert-hook: commit ssl cert $target failed: $answer" >&2; exit 1 ;;
  esac
fi

if [ -n "$master" ]; then
  echo "haproxy-cert-hook: $target is new to HAProxy (or its runtime API is unreachable): reload through $master"
  echo reload | runtime "$master" >/dev/null
  exit 0
fi
echo "haproxy-cert-hook: $target is new to HAProxy (or its runtime API is unreachable): $reload"
sh -c "$reload"
