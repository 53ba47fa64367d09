# syntax=docker/dockerfile:1
# Maestro Hive: build the TypeScript sources, then run the compiled app on production
# dependencies only, as an unprivileged user.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS runtime
# 4 MB semi-spaces: V8's young generation would otherwise grow to 64 MB, all of it resident
# (bench/app-memory: ~25 MB less at rest and at peak, no measurable CPU cost).
# A fixed mmap threshold: glibc otherwise raises it to the size of every large buffer freed, so
# later buffers that size come from the main heap, which never shrinks again (bench/app-memory:
# the app grew ~16 MB in its first 200 analyses on the embedded database, then stayed there).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=4" \
    MALLOC_MMAP_THRESHOLD_=131072 \
    HOST=0.0.0.0 \
    PORT=3000 \
    MAESTRO_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY app.yml ./
# The embedded database (used only when DATABASE_URL is unset) lives on a volume.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Liftoff only: the embedded database (PGlite, WebAssembly) otherwise has V8 recompile its hot
# functions with TurboFan: ~500 MB at the peak of the first seconds and ~80 MB more resident for
# good (bench/app-memory), with no gain in throughput we could measure (recording, reading and
# auditing deliveries took no more CPU per delivery with Liftoff alone).
# V8 flags are not allowed in NODE_OPTIONS, so it is given here (and in `npm start`). No other
# WebAssembly runs in the app; with PostgreSQL the flag changes nothing.
CMD ["node", "--liftoff-only", "dist/main.js"]
