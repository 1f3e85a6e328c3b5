FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first so source edits don't invalidate the npm layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# Generated Prisma client and resolver types are not checked in.
RUN npm run generate

ENV NODE_ENV=production
EXPOSE 4000 4001 4002 4003 4004 4005

# The image's own non-root user; the app only needs to read /app.
USER node

CMD ["npm", "run", "start:gateway"]
