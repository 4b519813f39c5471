// Redis connections. BullMQ needs maxRetriesPerRequest: null on the connections its workers use; the
// readiness probe uses its own connection that fails fast instead of queueing while Redis is down.
import { createHash } from "node:crypto";
import { Worker, type Processor, type WorkerOptions } from "bullmq";
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
export function createProbeRedis(url: string, options: RedisOptions = {}): Redis {
  return createRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, ...options });
}

/**
 * A connection for calls that must not wait on Redis (the delivery enqueue after a webhook's commit):
 * no offline queue, no retry, and a command that gets no answer (Redis frozen) fails after commandTimeoutMs.
 */
export function createFailFastRedis(url: string, options: RedisOptions = {}): Redis {
  return createRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, commandTimeout: 500, ...options });
}

/**
 * A BullMQ worker on a connection of its own (its blocking reads must not hold up other commands), which
 * goes with it: BullMQ leaves a connection it was handed open when the worker closes.
 */
export function ownConnectionWorker<T>(name: string, processor: Processor<T>, redis: Redis, options: Omit<WorkerOptions, "connection">): Worker<T> {
  const connection = redis.duplicate();
  const worker = new Worker<T>(name, processor, { ...options, connection });
  worker.on("closed", () => connection.disconnect());
  return worker;
}

/** A Lua script run by its SHA1 (EVALSHA), sent in full only when the server does not know it yet. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
