// A Redis lock with an owner token: taken with SET NX PX, extended and released only by its owner.
import { randomBytes } from "node:crypto";
import type { Redis } from "./redis.ts";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  /** Pushes the expiry further; false when the lock was lost (expired and taken by another). */
  extend(ms: number): Promise<boolean>;
  release(): Promise<void>;
}

export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomBytes(12).toString("hex");
  const ok = await redis.set(key, token, "PX", ttlMs, "NX");
  if (ok !== "OK") return null;
  return {
    extend: async (ms) => (await redis.eval(EXTEND, 1, key, token, String(ms))) === 1,
    release: async () => {
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}

/** Waits for the lock, polling every pollMs, for at most waitMs; null when it could not be had. */
export async function acquireLock(redis: Redis, key: string, ttlMs: number, waitMs: number, pollMs = 50): Promise<HeldLock | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = await tryLock(redis, key, ttlMs);
    if (lock || Date.now() >= deadline) return lock;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
