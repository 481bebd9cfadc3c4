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
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
