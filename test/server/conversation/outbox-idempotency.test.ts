// The outbox's own idempotency, apart from the inbound dedupe that usually hides it: an event handled
// again after its dedupe record is gone (pruned by retention, or a second process racing past it) must
// not store – and so not send – its replies a second time.
import { randomInt } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { telegramRuntime } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = undefined;
  fake = undefined;
});

describe("outbox idempotency keys", () => {
  it("an event handled twice past the inbound dedupe stores its replies once", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { workers: false });
    const chat = String(randomInt(1e6, 1e12));
    const input = { channel: "telegram" as const, externalUserId: chat, eventId: String(randomInt(1e12)), at: new Date(), event: { type: "command" as const, name: "start" as const } };
    const first = await rt.handleInbound(input);
    expect(first.status).toBe("applied");
    const stored = first.status === "applied" ? first.outboxIds : [];
    expect(stored.length).toBeGreaterThan(0);
    // The dedupe record is gone, as after retention pruned it.
    await rt.db.pool.query(`DELETE FROM inbound_events WHERE channel = 'telegram' AND external_event_id = $1`, [input.eventId]);
    const again = await rt.handleInbound(input);
    expect(again).toEqual({ status: "applied", outboxIds: [] });
    const { rows } = await rt.db.pool.query(`SELECT id::text FROM outbox WHERE recipient = $1 ORDER BY id`, [chat]);
    expect(rows.map((r) => r.id)).toEqual(stored);
  });
});
