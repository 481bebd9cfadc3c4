# One Node version for both stages. 20.20 satisfies every dependency's "engines" (package-lock.json;
# test/compose.test.ts checks it), and Node 20.19+ runs the TypeScript sources the tests use.
ARG NODE_VERSION=20.20

# Build stage: full dependencies to compile TypeScript.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs ./scripts/
COPY src ./src
# tsc, then the files compiled code reads at run time (Redis scripts, the board's page) copied into dist/.
RUN npm run build

# Runtime stage: production dependencies, compiled code, NRQL templates and scenarios.
# The one image of docker-compose.yml: the service and the simulator (dist/src/sim/cli.js).
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY queries ./queries
COPY src/sim/scenarios ./src/sim/scenarios
# The CLI in the image too: `docker compose exec api gonogo status <id>`.
COPY bin ./bin
RUN chmod +x bin/gonogo.js && ln -s /app/bin/gonogo.js /usr/local/bin/gonogo
# A bounded V8 heap for what the image runs (set after the build steps, which it need not bound).
# Without one V8 lets garbage pile up far past what is alive: a worker running four 200-app
# checkpoints at once (GONOGO_WORKER_CONCURRENCY and GONOGO_MAX_APPS at their defaults) holds at
# most ~120 MB live after a full GC (~230 MB when all four read the whole window: full reads, or
# no usable carried state) but let its heap reach ~450 MB and its RSS 0.4-1 GB; with this bound
# it peaks near 320-330 MB RSS, no slower (bench/README.md, "Checkpoint scale"). Raising either
# setting far needs a larger bound: override NODE_OPTIONS (docker run -e, compose environment).
ENV NODE_OPTIONS=--max-old-space-size=384
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
