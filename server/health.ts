// Liveness and readiness: /healthz says the process is alive, /readyz that its dependencies answer.
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { Redis } from "./redis.ts";

export type CheckResult = { ok: true } | { ok: false; error: string } | { ok: "degraded"; error: string };
export type Check = () => Promise<CheckResult>;

const TIMEOUT_MS = 1_500;

async function withTimeout(run: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message || String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export const postgresCheck = (pool: pg.Pool): Check => () => withTimeout(() => pool.query("SELECT 1"));
export const redisCheck = (redis: Redis): Check => () => withTimeout(() => redis.ping());

export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, Check>): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => checks[name]!()));
    const report: Record<string, { status: "ok" | "degraded" | "failed"; error?: string }> = {};
    let ready = true;
    results.forEach((result, i) => {
      const name = names[i]!;
      if (result.ok === true) report[name] = { status: "ok" };
      else if (result.ok === "degraded") report[name] = { status: "degraded", error: result.error };
      else {
        ready = false;
        report[name] = { status: "failed", error: result.error };
      }
    });
    const failed = names.filter((n) => report[n]!.status === "failed");
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? "ready" : "not_ready", ...(failed.length ? { failed } : {}), checks: report });
  });
}
