#!/usr/bin/env bash
# Prepares a fresh machine: system packages (HAProxy, promtool, amtool, and MariaDB/Redis/NATS when absent), the local
# MariaDB, Redis and NATS servers running, and the npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; echo "nothing listens on port $1" >&2; return 1; }

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v nats-server >/dev/null || missing+=(nats-server)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v mariadbd >/dev/null || missing+=(mariadb-server)
# promtool checks and unit-tests deploy/monitoring (tools/monitoring/*.spec.ts); Debian ships it with the server,
# and amtool (which checks the Alertmanager config) with Alertmanager.
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
# Deployment specs (tools/deploy, test/cluster/vm-rolling-deploy): TLS certificates made with openssl, HTTP/2
# through curl (nghttp2), HAProxy's runtime API through socat, systemd units checked by systemd-analyze.
# kubectl (with kustomize) renders deploy/k8s; it comes with the machine image, Debian's is too old.
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
command -v socat >/dev/null || missing+=(socat)
command -v systemd-analyze >/dev/null || missing+=(systemd)
# The backup tool (tools/backup) and its tests dump and restore with mariadb-dump and the mariadb client.
{ command -v mariadb-dump || command -v mysqldump; } >/dev/null || missing+=(mariadb-client)
# The browser tests (test/contract: the API document's page) drive Debian's Chromium with playwright-core.
command -v chromium >/dev/null || missing+=(chromium)
# The console's screenshots (reports/console, docs/console) need a Chinese font.
fc-list 2>/dev/null | grep -qi wqy || missing+=(fonts-wqy-microhei)
# The benchmarks (npm run bench:catalog, bench:compression) load the stack with wrk.
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -q
  as_root apt-get install -y -q "${missing[@]}"
fi

if ! port_open 6379; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! port_open 4222; then
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
fi
if ! port_open 3306; then
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
wait_port 6379 && wait_port 4222 && wait_port 3306

# `npm ci`: exactly the lock file's versions, and the lock file is never rewritten (`npm install` may add or drop other
# platforms' optional packages, leaving a fresh clone modified). It fails when package.json and the lock disagree.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
