#!/bin/sh
# The certbot container of docker-compose.yml (profile acme): obtains ACME_DOMAIN's certificate through
# HAProxy's ACME passthrough (HAProxy sends /.well-known/acme-challenge/ on port 80 to certbot:8888), then
# renews it twice a day. haproxy-cert-hook.sh installs each new certificate into the running HAProxy.
# ACME_STAGING=1 uses Let's Encrypt's staging server (untrusted certificates, generous rate limits).
set -eu
: "${ACME_DOMAIN:?set ACME_DOMAIN (the API's public name) in .env}"
: "${ACME_EMAIL:?set ACME_EMAIL (expiry notices from Let's Encrypt) in .env}"
hook="$(dirname "$0")/haproxy-cert-hook.sh"
staging=${ACME_STAGING:+--staging}

# shellcheck disable=SC2086
certbot certonly --standalone --http-01-port 8888 --non-interactive --agree-tos -m "$ACME_EMAIL" \
  -d "$ACME_DOMAIN" --keep-until-expiring --deploy-hook "sh $hook" $staging
while :; do
  sleep 43200
  # shellcheck disable=SC2086
  certbot renew --deploy-hook "sh $hook" $staging || echo "certbot renew failed; retrying in 12 h" >&2
done
