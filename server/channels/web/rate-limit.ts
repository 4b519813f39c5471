// Fixed-window counters in Redis, shared by every app process: one INCR per counter and request. A
// refused request has only counted; it changes nothing else. Redis that does not answer in time makes
// the request fail (503) rather than wait: the web chat cannot deliver replies without Redis anyway.
import type { Redis } from "../../redis.ts";

export interface Limit {
  max: number;
  windowMs: number;
}

export interface Counter {
  /** e.g. "events:session:<account id>" */
  key: string;
  limit: Limit;
}

export type LimitResult = { ok: true } | { ok: false; retryAfterMs: number; key: string };

export class LimiterUnavailable extends Error {}

export class FixedWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly timeoutMs = 1_500,
  ) {}

  /** Counts one hit on every counter; refused when any of them is over its limit. */
  async hit(counters: Counter[], now = Date.now()): Promise<LimitResult> {
    const multi = this.redis.multi();
    const windows = counters.map((c) => {
      const window = Math.floor(now / c.limit.windowMs);
      const key = `${this.prefix}:web:rl:${c.key}:${window}`;
      multi.incr(key).pexpire(key, c.limit.windowMs * 2);
      return { counter: c, endsAt: (window + 1) * c.limit.windowMs };
    });
    let timer: NodeJS.Timeout | undefined;
    const results = await Promise.race([
      multi.exec(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LimiterUnavailable(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!results) throw new LimiterUnavailable("the Redis transaction was aborted");
    let refused: LimitResult = { ok: true };
    windows.forEach((w, i) => {
      const [error, count] = results[i * 2]!;
      if (error) throw new LimiterUnavailable(error.message);
      if (Number(count) > w.counter.limit.max) {
        const retryAfterMs = w.endsAt - now;
        if (refused.ok || retryAfterMs > refused.retryAfterMs) refused = { ok: false, retryAfterMs, key: w.counter.key };
      }
    });
    return refused;
  }
}
