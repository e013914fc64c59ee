# syntax=docker/dockerfile:1
# One image runs every Causeloop service and the operator CLI:
#   node --max-semi-space-size=16 --no-concurrent-recompilation --import @causeloop/platform/tracing/register services/<name>/dist/main.js
#   node scripts/dist/causeloop.js db migrate
# Targets: `build` (everything, dev dependencies included), `dev` (build, writable
# sources for Tilt's live update), and the final runtime image (default).
ARG NODE_IMAGE=node:24.9.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages/ packages/
COPY services/ services/
COPY scripts/ scripts/
COPY bench/ bench/
COPY proto/ proto/
COPY db/ db/
# --ignore-scripts: nothing native is needed, and the `node` devDependency would fetch a
# second Node binary; tsc runs on the base image's Node 24.
RUN npm ci --ignore-scripts && node node_modules/typescript/bin/tsc -b
# What the runtime needs, paths kept: package manifests (for npm ci), dist/ folders, migrations.
RUN mkdir -p /out/manifests /out/app \
 && cp package.json package-lock.json /out/manifests/ \
 && for dir in packages/* services/*; do \
      mkdir -p "/out/manifests/$dir" "/out/app/$dir" \
      && cp "$dir/package.json" "/out/manifests/$dir/" \
      && cp -r "$dir/dist" "/out/app/$dir/dist"; \
    done \
 && mkdir -p /out/app/scripts /out/app/db \
 && cp -r scripts/dist /out/app/scripts/dist \
 && cp -r db/migrations /out/app/db/migrations \
 && find /out/app -name '*.tsbuildinfo' -delete

FROM build AS dev
# Tilt syncs sources into these folders and rebuilds them in place, as this user.
RUN chown -R 10001:10001 /app/packages /app/services /app/scripts /app/proto
USER 10001:10001
ENTRYPOINT ["node"]
CMD ["--max-semi-space-size=16", "--no-concurrent-recompilation", "--import", "@causeloop/platform/tracing/register", "services/crypto/dist/main.js"]

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY --from=build /out/manifests/ ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force && rm -rf /root/.npm
COPY --from=build /out/app/ ./
# Numeric, so runAsNonRoot can verify it without an /etc/passwd lookup. Owns nothing: the
# root filesystem is read-only in the chart; only /tmp (an emptyDir) is written.
USER 10001:10001
EXPOSE 50051 9090 8080
# Exec form: no shell between the kubelet's signals and node.
ENTRYPOINT ["node"]
CMD ["--max-semi-space-size=16", "--no-concurrent-recompilation", "--import", "@causeloop/platform/tracing/register", "services/crypto/dist/main.js"]
