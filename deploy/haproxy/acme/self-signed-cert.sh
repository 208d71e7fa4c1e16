#!/bin/sh
# A self-signed placeholder certificate, so HAProxy's HTTPS listener can start before Let's Encrypt has
# issued the real one (HAProxy refuses "crt" on an empty directory). The real certificate, once issued,
# is served for its name by SNI; clients that ask for another name get whichever HAProxy loaded first.
#
#   deploy/haproxy/acme/self-signed-cert.sh api.example.com /etc/haproxy/certs       # VM
#   deploy/haproxy/acme/self-signed-cert.sh localhost .secrets/tls                   # docker compose, dev
#
# Writes <dir>/<name>.pem (certificate then key, mode 600) unless it exists; needs openssl.
set -eu
name=${1:?usage: self-signed-cert.sh <domain> <dir>}
dir=${2:?usage: self-signed-cert.sh <domain> <dir>}
target="$dir/$name.pem"
if [ -e "$target" ]; then echo "$target exists"; exit 0; fi
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 90 \
  -subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
umask 077
cat "$work/cert.pem" "$work/key.pem" > "$target"
echo "self-signed certificate for $name written to $target"
