// Redis connections. BullMQ needs maxRetriesPerRequest: null on the connections its workers use; the
// readiness probe uses its own connection that fails fast instead of queueing while Redis is down.
import { Redis, type RedisOptions } from "ioredis";

export type { Redis };

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    lazyConnect: false,
    ...options,
  });
  // Connection errors are reported by /readyz and by failing jobs; an unhandled 'error' would crash.
  redis.on("error", () => {});
  return redis;
}

/** A connection for probes: commands fail at once while Redis is unreachable. */
export function createProbeRedis(url: string): Redis {
  return createRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000 });
}

/**
 * A connection for calls that must not wait on Redis (the delivery enqueue after a webhook's commit):
 * no offline queue, no retry, and a command that gets no answer (Redis frozen) fails after commandTimeoutMs.
 */
export function createFailFastRedis(url: string, commandTimeoutMs = 500): Redis {
  return createRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, commandTimeout: commandTimeoutMs });
}
