// The web chat's request limits through @fastify/rate-limit and its Redis store, shared by every app
// process: one counter per limit and key ("events:s:<account>", "events:ip:<address>", …), counted with
// the plugin's script (INCR, expiry set on the first hit of a window). Every counter of a request is
// counted; the request is refused when any of them is over its limit, with the longest wait. A refused
// request has only counted; it changes nothing else. Redis that does not answer in time makes the
// request fail (LimiterUnavailable → 503) rather than wait: the web chat cannot deliver replies without
// Redis anyway.
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import RedisStore from "@fastify/rate-limit/store/RedisStore.js";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "../../redis.ts";
import type { WebLimits } from "./settings.ts";

export interface Limit {
  max: number;
  windowMs: number;
}

export type LimitName = keyof WebLimits;

/** What each limit counts by. */
const KEYS: Record<LimitName, (request: FastifyRequest) => string> = {
  sessionEvents: (r) => `events:s:${r.webAccount}`,
  ipEvents: (r) => `events:ip:${r.ip}`,
  sessionUploads: (r) => `uploads:s:${r.webAccount}`,
  sessionPolls: (r) => `polls:s:${r.webAccount}`,
};

export type LimitResult = { ok: true } | { ok: false; retryAfterMs: number; key: string };

export class LimiterUnavailable extends Error {}

export type Limiter = (request: FastifyRequest, names: LimitName[]) => Promise<LimitResult>;

/**
 * Registers the plugin in `scope` (no limit of its own on any route) and returns the limiter the
 * routes call from their onRequest hook, once the session is known.
 */
export async function registerLimiter(scope: FastifyInstance, redis: Redis, prefix: string, limits: WebLimits, timeoutMs = 1_500): Promise<Limiter> {
  // A connection of its own whose commands fail after timeoutMs (Redis frozen or down) instead of waiting.
  const connection = redis.duplicate({ commandTimeout: timeoutMs });
  connection.on("error", () => {});
  scope.addHook("onClose", async () => void connection.disconnect());
  await scope.register(rateLimit, { global: false, store: sameNamespace(connection, `${prefix}:web:rl:`), skipOnError: false });

  const counters = Object.fromEntries(
    (Object.keys(KEYS) as LimitName[]).map((name) => [
      name,
      scope.createRateLimit({ max: limits[name].max, timeWindow: limits[name].windowMs, keyGenerator: KEYS[name] }),
    ]),
  ) as Record<LimitName, ReturnType<FastifyInstance["createRateLimit"]>>;

  return async (request, names) => {
    let results;
    try {
      results = await Promise.all(names.map((name) => counters[name](request)));
    } catch (error) {
      throw new LimiterUnavailable(error instanceof Error ? error.message : String(error));
    }
    let refused: LimitResult = { ok: true };
    for (const r of results) {
      if (r.isAllowed || !r.isExceeded) continue;
      if (refused.ok || r.ttl > refused.retryAfterMs) refused = { ok: false, retryAfterMs: r.ttl, key: r.key };
    }
    return refused;
  };
}

/**
 * The plugin's Redis store, keeping the namespace as given: its child store (one per limit made with
 * createRateLimit) would otherwise add the route's method and URL, which such a limit does not have.
 */
function sameNamespace(redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  const store = new RedisStore(false, false, redis, nameSpace) as FastifyRateLimitStore;
  const kept: FastifyRateLimitStore = { incr: (...args) => store.incr(...args), child: () => kept };
  return function Store() {
    return kept;
  } as unknown as FastifyRateLimitStoreCtor;
}
