// tryLockOrKnock: whoever finds the lock taken leaves a knock, and the holder's release says whether
// anyone came meanwhile – the outbox worker looks at a chat again only then. A knock left before the
// lock was taken is the new holder's to read, not a reason to look again.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedis } from "../../server/redis.ts";
import { tryLock, tryLockOrKnock } from "../../server/redis-lock.ts";

const redis = createRedis(inject("redisUrl"));
afterAll(() => redis.disconnect());
const key = () => `${inject("redisPrefix")}:lock-test:${randomBytes(4).toString("hex")}`;

describe("tryLockOrKnock", () => {
  it("tells the holder that someone knocked while it held the lock, and only then", async () => {
    const k = key();
    const first = await tryLockOrKnock(redis, k, 10_000);
    expect(first).not.toBeNull();
    expect(await first!.release()).toEqual({ knocked: false });

    const holder = await tryLockOrKnock(redis, k, 10_000);
    expect(await tryLockOrKnock(redis, k, 10_000)).toBeNull();
    expect(await holder!.release()).toEqual({ knocked: true });
    // The knock is used up: the next holder starts clean.
    const next = await tryLockOrKnock(redis, k, 10_000);
    expect(await next!.release()).toEqual({ knocked: false });
  });

  it("clears knocks older than the hold when the lock is taken", async () => {
    const k = key();
    const other = await tryLock(redis, k, 10_000);
    expect(await tryLockOrKnock(redis, k, 10_000)).toBeNull();
    await other!.release();
    const holder = await tryLockOrKnock(redis, k, 10_000);
    expect(await holder!.release()).toEqual({ knocked: false });
  });

  it("leaves a lock taken over by another alone, and tells its stale holder to look again", async () => {
    const k = key();
    const stale = await tryLockOrKnock(redis, k, 10_000);
    await redis.set(k, "another-process", "PX", 10_000);
    expect(await stale!.extend(10_000)).toBe(false);
    // Who came meanwhile cannot be known once the lock is gone (Redis restarted empty, or it expired).
    expect(await stale!.release()).toEqual({ knocked: true });
    expect(await redis.get(k)).toBe("another-process");
  });
});
