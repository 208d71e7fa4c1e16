# One image for the whole backend: the four apps and the tools (migrate, keys, WeChat sandbox).
#
# The program is chosen when the container starts, by APP or by the command (one build serves all):
#   docker build -t miniprogram-backend .
#   docker run miniprogram-backend                                       # APP, default auth: dist/apps/$APP/src/main.js
#   docker run -e APP=catalog miniprogram-backend                        # the same, for catalog
#   docker run miniprogram-backend node dist/apps/orders/src/main.js     # any app, by its file (what docker-compose.yml does)
#   docker run miniprogram-backend node dist/tools/migrate/main.js       # one-shot: databases, users, migrations
#   docker run miniprogram-backend node dist/tools/wechat-sandbox/main.js   # dev only, with SANDBOX_HOST=0.0.0.0
#   docker run --rm --user "$(id -u)" -v "$PWD/.secrets:/out" miniprogram-backend node dist/tools/keys/main.js --dir /out
# `--build-arg APP=catalog` only changes APP's default (auth). Every app listens on PORT 3000 inside.
# Run with `--init` (compose: `init: true`) so signals reach node and zombies are reaped.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
# tsc writes dist/{apps,libs,tools}; then the dev dependencies (jest, swc, typescript, nest cli) go.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ARG APP=auth
ENV NODE_ENV=production \
    APP=${APP} \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# package.json is needed at run time: its "imports" map resolves #libs/* to dist/libs/*/src/index.js.
# Files stay owned by root, so the app user can read but not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The upload service's local storage (UPLOAD_LOCAL_DIR=/app/var/uploads in docker-compose.yml): a volume mounted
# here starts with this directory's owner, so the app user can write to it.
RUN mkdir -p /app/var/uploads && chown node:node /app/var/uploads
# The base image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
# Readiness (database, Redis, NATS, not draining) of an app on $PORT; slim has no curl, so node's fetch.
# The migrate job and the sandbox override or disable it in docker-compose.yml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\""]
