# One image for the app process and the workers (same code, stateless; see README "Scaling out").
# Node 24 is the LTS line in service (Node 20 left long-term support in April 2026); the code and its
# pinned dependencies also run on Node 20, where development machines may still be.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN node scripts/prisma-generate.mjs && npx tsc --noEmit -p tsconfig.json

FROM node:24-bookworm-slim
# DejaVu Sans prints Vietnamese on the PNG posters and charts (resvg) and is embedded in the PDF posters.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app /app
RUN npm prune --omit=dev --no-audit --no-fund || true
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Migrations are applied by the `migrate` service of compose.yaml (or `prisma migrate deploy`).
CMD ["node", "--import", "tsx", "server/main.ts"]
