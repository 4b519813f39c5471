// Operators' routes outside /api/v1: GET /metrics (Prometheus text format) and the BullMQ queue
// dashboard at /admin/queues, both for the administrator only (ADMIN_TOKEN as bearer, or the admin's
// dashboard session cookie in a browser).
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type pg from "pg";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import type { Metrics } from "../metrics.ts";
import { authenticate, presentedToken } from "./auth.ts";

export interface OpsDeps {
  pool: pg.Pool;
  config: Config;
  metrics: Metrics;
  queues: () => Queue[];
}

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

async function requireAdmin(deps: OpsDeps, request: FastifyRequest): Promise<void> {
  const p = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
  if (!p) throw new AppError(401, "unauthorized", "Valid administrator credentials are required.");
  if (p.kind !== "admin") throw new AppError(403, "forbidden", "Only the administrator may see this.");
}

export function opsRoutes(deps: OpsDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      scope.addHook("onRequest", async (request) => requireAdmin(deps, request));
      scope.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
        const body = await deps.metrics.registry.metrics();
        return reply.type(deps.metrics.registry.contentType).send(body);
      });
      const board = new FastifyAdapter();
      board.setBasePath(QUEUE_DASHBOARD_PATH);
      createBullBoard({ queues: deps.queues().map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: board });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  };
}
