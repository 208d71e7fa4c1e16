#!/bin/sh
# The VM deployment tool (tools/deploy/vm): HAProxy configs from the inventory, rolling restarts host by host,
# scale-out and scale-in. Runs from an operator's checkout after `npm ci && npm run build`; reaches the hosts
# and balancers over SSH (keys only; sudo for systemctl, socat and the HAProxy config). See deploy/vm/README.md.
#
#   deploy/vm/rolling-deploy.sh push-haproxy
#   deploy/vm/rolling-deploy.sh rolling-restart --before-restart 'sudo ln -sfn /opt/miniprogram/releases/v42 /opt/miniprogram/current'
#   deploy/vm/rolling-deploy.sh add-host app-3          # after adding app-3 to the inventory
#   deploy/vm/rolling-deploy.sh remove-host app-3       # then remove it from the inventory
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f "$root/dist/tools/deploy/vm/main.js" ]; then
  echo "rolling-deploy: build first (npm ci && npm run build)" >&2
  exit 1
fi
exec node "$root/dist/tools/deploy/vm/main.js" "$@"
