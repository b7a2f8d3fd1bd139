# syntax=docker/dockerfile:1
#
# One image, two processes:
#   worker   node dist/worker/main.js    (the default CMD; applies db migrations, then polls Temporal)
#   ingress  node dist/ingress/main.js   (docker-compose.yml overrides the command)
#
#   docker build -t stripe-temporal .
#   docker run --rm -e DATABASE_URL=... -e TEMPORAL_ADDRESS=... stripe-temporal
#   docker run --rm -p 3000:3000 -e STRIPE_WEBHOOK_SECRET=... -e TEMPORAL_ADDRESS=... stripe-temporal node dist/ingress/main.js
#
# glibc (bookworm), not Alpine: the Temporal SDK's core-bridge ships glibc native binaries.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, TypeScript → dist/, workflow code prebundled into dist/ ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc -p tsconfig.build.json, then worker/bundle.ts writes dist/workflow-bundle.js, so production
# workers start without webpack.
RUN npm run build

# ---- deps: production dependencies only ------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
# dist/db/client.js reads path.join(__dirname, 'migrations'): the SQL migrations sit next to it.
COPY --from=build /app/db/migrations ./dist/db/migrations
# Files stay root-owned and read-only to the process.
USER node
# The ingress listens on PORT (3000); the worker opens no port.
EXPOSE 3000
# Node does not reap children or forward signals as PID 1: run with `docker run --init`
# (docker-compose.yml sets `init: true`). SIGTERM lets the worker finish in-flight activities.
CMD ["node", "dist/worker/main.js"]
