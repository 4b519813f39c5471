// A Redis lock with an owner token: taken with SET NX PX, extended and released only by its owner.
import { randomBytes } from "node:crypto";
import { LuaScript, type Redis } from "./redis.ts";

const RELEASE = new LuaScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`);
const EXTEND = new LuaScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`);

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
    extend: async (ms) => (await EXTEND.run(redis, [key], [token, ms])) === 1,
    release: async () => {
      await RELEASE.run(redis, [key], [token]);
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

// A lock others knock on when they find it taken: taking it clears older knocks (their work is there for
// the new holder to read), failing to take it leaves one, and the release says whether anyone knocked
// meanwhile – so the holder looks again only when someone came while it held the lock.
const TAKE_OR_KNOCK = new LuaScript(`
if redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then
  redis.call("del", KEYS[2])
  return 1
end
redis.call("set", KEYS[2], "1", "PX", ARGV[2])
return 0`);
const RELEASE_KNOCKED = new LuaScript(`
if redis.call("get", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("del", KEYS[1])
return 1 + redis.call("del", KEYS[2])`);

export interface KnockedLock extends Omit<HeldLock, "release"> {
  /**
   * Releases the lock; knocked: someone failed to take it while it was held – or the lock was no longer
   * this holder's (expired, or Redis lost it), when nobody can tell who came.
   */
  release(): Promise<{ knocked: boolean }>;
}

export async function tryLockOrKnock(redis: Redis, key: string, ttlMs: number): Promise<KnockedLock | null> {
  const token = randomBytes(12).toString("hex");
  const knock = `${key}:knock`;
  if ((await TAKE_OR_KNOCK.run(redis, [key, knock], [token, ttlMs])) !== 1) return null;
  return {
    extend: async (ms) => (await EXTEND.run(redis, [key], [token, ms])) === 1,
    release: async () => ({ knocked: (await RELEASE_KNOCKED.run(redis, [key, knock], [token])) !== 1 }),
  };
}
