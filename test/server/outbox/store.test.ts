// The outbox store's guards on their own (no worker): a claim is exclusive, only the claimer records the
// outcome, "uncertain" never overwrites "sent", a stale lock holder cannot claim after a later one, and
// an event's rows are stored once whatever reaches the insert twice.
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../../server/db/client.ts";
import * as store from "../../../server/outbox/store.ts";

let pool: pg.Pool;
beforeAll(() => {
  pool = createPool({ url: inject("databaseUrl"), max: 2 });
});
afterAll(async () => {
  await pool.end();
});

async function rows(recipient: string, n: number): Promise<string[]> {
  return store.insertOutbox(
    pool,
    Array.from({ length: n }, (_, i) => ({
      channel: "telegram" as const,
      recipient,
      payload: { kind: "message" as const, message: { text: `m${i}` } },
      idempotencyKey: `store-test:${recipient}:${i}`,
    })),
  );
}

const statusOf = async (id: string) => (await pool.query(`SELECT status FROM outbox WHERE id = $1`, [id])).rows[0].status;

describe("outbox claims", () => {
  it("a row claimed by one worker cannot be claimed by another", async () => {
    const [id] = await rows(String(randomInt(1e12)), 1);
    const a = await store.drawFence(pool);
    const b = await store.drawFence(pool);
    expect(await store.markSending(pool, id!, a)).toBe(true);
    expect(await store.markSending(pool, id!, b)).toBe(false);
    expect(await store.markSending(pool, id!, a)).toBe(false);
    const { rows: r } = await pool.query(`SELECT attempts, claim_fence::text FROM outbox WHERE id = $1`, [id]);
    expect(r[0]).toEqual({ attempts: 1, claim_fence: a });
  });

  it("a holder whose lock went to a later holder cannot claim the chat's next row", async () => {
    const [x, y] = await rows(String(randomInt(1e12)), 2);
    const stale = await store.drawFence(pool);
    const later = await store.drawFence(pool);
    expect(await store.markSending(pool, x!, later)).toBe(true);
    expect(await store.markSending(pool, y!, stale)).toBe(false);
    expect(await statusOf(y!)).toBe("pending");
  });

  it('"uncertain" never overwrites "sent"', async () => {
    const [id] = await rows(String(randomInt(1e12)), 1);
    const first = await store.drawFence(pool);
    expect(await store.markSending(pool, id!, first)).toBe(true);
    const next = await store.drawFence(pool);
    // The later holder read the row while it was still `sending`; the claimer records it sent first.
    await store.markSent(pool, id!, first, "42");
    expect(await store.markUncertain(pool, id!, first, next, "worker stopped")).toBe(false);
    expect(await statusOf(id!)).toBe("sent");
  });

  it("the claimer's outcome replaces an \"uncertain\", but a stale claimer cannot put the row back to pending", async () => {
    const [sentLater, retriedLater] = await rows(String(randomInt(1e12)), 2);
    const first = await store.drawFence(pool);
    await store.markSending(pool, sentLater!, first);
    const next = await store.drawFence(pool);
    expect(await store.markUncertain(pool, sentLater!, first, next, "worker stopped")).toBe(true);
    await store.markSent(pool, sentLater!, first, "7");
    expect(await statusOf(sentLater!)).toBe("sent");

    const third = await store.drawFence(pool);
    await store.markSending(pool, retriedLater!, third);
    const fourth = await store.drawFence(pool);
    expect(await store.markUncertain(pool, retriedLater!, third, fourth, "worker stopped")).toBe(true);
    await store.markRetry(pool, retriedLater!, third, 0, "502");
    await store.markFailed(pool, retriedLater!, third, "403");
    expect(await statusOf(retriedLater!)).toBe("uncertain");
  });

  it("a worker that did not claim the row cannot record its outcome", async () => {
    const [id] = await rows(String(randomInt(1e12)), 1);
    const owner = await store.drawFence(pool);
    const other = await store.drawFence(pool);
    await store.markSending(pool, id!, owner);
    await store.markSent(pool, id!, other, "1");
    await store.markFailed(pool, id!, other, "x");
    expect(await statusOf(id!)).toBe("sending");
  });
});

describe("outbox idempotency", () => {
  it("a second insert of the same keys adds nothing", async () => {
    const recipient = String(randomInt(1e12));
    expect(await rows(recipient, 2)).toHaveLength(2);
    expect(await rows(recipient, 2)).toEqual([]);
    const { rows: r } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE recipient = $1`, [recipient]);
    expect(r[0].n).toBe(2);
  });
});
