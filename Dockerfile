# syntax=docker/dockerfile:1.7
# HCE API image: Node 22 LTS, production dependencies only, non-root, health-checked.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 HCE_DATA_DIR=/var/lib/hce
WORKDIR /app
RUN groupadd --system hce && useradd --system --gid hce --home-dir /app --shell /usr/sbin/nologin hce \
  && mkdir -p /var/lib/hce && chown hce:hce /var/lib/hce
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY src/db/migrations ./src/db/migrations
COPY seeds ./seeds
USER hce
EXPOSE 3000
VOLUME ["/var/lib/hce"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
