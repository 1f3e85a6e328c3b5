# The one image for every service: the gateway by default; docker-compose.yml and the Kubernetes
# manifests (deploy/k8s) start a subgraph or the migration from it with another command.
# Build: docker build -t community-resource-graph .
ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only, as the final image carries them. Install scripts are skipped:
# the only prod packages with one download Prisma's engines (unused: the services run Prisma
# through driver adapters, and migrations are lib/runtime/db/migrate.ts's), check protobuf versions, or
# verify esbuild's binary, which tsx finds through its platform package without that step.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Every dependency, to generate the Prisma clients and typed resolvers (the generators are
# devDependencies); the sources and generated code leave this stage, its node_modules do not.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run generate && rm -rf node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The embedded database and generated JWT key (when no DATABASE_URL or JWT_SECRET is given) go
# here; /tmp also holds tsx's compile cache, so a read-only root filesystem needs only /tmp.
ENV DATA_DIR=/tmp/crg-data
WORKDIR /app
# Owned by root and not writable by the service: the code cannot be changed by the process.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app ./
EXPOSE 4000 4001 4002 4003 4004 4005
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 1000:1000
# /ready, not /health: a container is healthy when it can answer queries (docker-compose's
# depends_on waits for it). A subgraph's container passes its port (docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
# node itself is PID 1 and gets docker's SIGTERM (scripts/containers.ts says why not npm).
CMD ["node", "--import", "tsx", "gateway/src/index.ts"]
