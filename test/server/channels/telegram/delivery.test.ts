// Delivery through the outbox to the fake Bot API: Telegram's limits and failures, with real timing.
import { randomInt } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { TELEGRAM_LIMITS } from "../../../../server/channels/telegram/sender.ts";
import { insertOutbox } from "../../../../server/outbox/store.ts";
import { requestDelivery } from "../../../../server/outbox/worker.ts";
import { FakeTelegram, retryAfter } from "../../../support/fake-telegram.ts";
import { TelegramCitizen } from "../../../support/telegram-citizen.ts";
import { addUnit, telegramRuntime } from "../../../support/telegram-runtime.ts";
import { driveToVerdict } from "../../../support/drive.ts";
import { waitFor } from "../../../support/processes.ts";

let fake: FakeTelegram | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = undefined;
  fake = undefined;
});

async function enqueue(runtime: Runtime, recipient: string, texts: string[]) {
  const ids = await insertOutbox(
    runtime.db.pool,
    texts.map((text, i) => ({
      channel: "telegram" as const,
      recipient,
      payload: { kind: "message" as const, message: { text } },
      idempotencyKey: `test:${recipient}:${i}:${randomInt(1e9)}`,
    })),
  );
  await requestDelivery(runtime.deliveries.get("telegram")!.queue, { channel: "telegram", recipient });
  return ids;
}

async function settled(runtime: Runtime, ids: string[]) {
  return waitFor(async () => {
    const { rows } = await runtime.db.pool.query(
      `SELECT id::text, status, attempts, platform_message_id FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    return rows.every((r) => r.status !== "pending" && r.status !== "sending") ? rows : undefined;
  }, 30_000, "outbox settled");
}

describe("outbox delivery to Telegram", () => {
  it("honours a 429's retry_after and delivers the message exactly once", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    fake.failNext("sendMessage", retryAfter(2));
    const recipient = String(randomInt(1e6, 1e12));
    const ids = await enqueue(rt, recipient, ["Xin chào <bạn> & gia đình"]);
    const rows = await settled(rt, ids);
    expect(rows).toEqual([{ id: ids[0], status: "sent", attempts: 2, platform_message_id: expect.any(String) }]);
    const refused = fake.calls.find((c) => c.method === "sendMessage:refused" && String(c.body.chat_id) === recipient)!;
    const sent = fake.messages(recipient);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at - refused.at).toBeGreaterThanOrEqual(2_000);
    expect(sent[0]!.body).toMatchObject({ text: "Xin chào &lt;bạn&gt; &amp; gia đình", parse_mode: "HTML" });
  });

  it("keeps to 1 message per second per chat, in order, and 30 per second in all", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { telegramLimits: TELEGRAM_LIMITS });
    const one = String(randomInt(1e6, 1e12));
    const many = Array.from({ length: 45 }, () => String(randomInt(1e6, 1e12)));
    const idsOne = await enqueue(rt, one, ["1", "2", "3", "4"]);
    const idsMany = (await Promise.all(many.map((r) => enqueue(rt!, r, [`to ${r}`])))).flat();
    await settled(rt, [...idsOne, ...idsMany]);
    const toOne = fake.messages(one);
    expect(toOne.map((c) => c.body.text)).toEqual(["1", "2", "3", "4"]);
    for (let i = 1; i < toOne.length; i++) expect(toOne[i]!.at - toOne[i - 1]!.at).toBeGreaterThanOrEqual(950);
    const times = fake.calls.filter((c) => c.method === "sendMessage").map((c) => c.at).sort((a, b) => a - b);
    expect(times).toHaveLength(49);
    // Any 31 consecutive sends span a second (less a little network jitter): never 31 within one second.
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(950);
  }, 40_000);

  it("does not resend a message whose worker died during the platform call", async () => {
    fake = await new FakeTelegram().start();
    const prefix = `crash${randomInt(1e9)}`;
    rt = await telegramRuntime(fake, { delivery: { lockTtlMs: 1_500 } }, prefix);
    const recipient = String(randomInt(1e6, 1e12));
    // Telegram receives the message but its answer comes back only after the worker is gone.
    fake.failNext("sendMessage", { holdMs: 4_000 });
    const reached = new Promise<void>((resolve) =>
      fake!.onCall((c) => c.method === "sendMessage" && String(c.body.chat_id) === recipient && resolve()),
    );
    const ids = await enqueue(rt, recipient, ["một lần thôi", "tin sau"]);
    await reached;
    // The process dies: its worker, database and Redis connections vanish before it can record the send
    // (its BullMQ job stays locked in Redis, as after a real crash).
    const dead = rt;
    await dead.deliveries.get("telegram")!.worker.close(true);
    dead.redis.disconnect();
    await dead.db.pool.end().catch(() => {});
    rt = await telegramRuntime(fake, { delivery: { lockTtlMs: 1_500 } }, prefix);
    const rows = await settled(rt, ids);
    expect(rows.map((r) => r.status)).toEqual(["uncertain", "sent"]);
    expect(fake.messages(recipient).map((c) => c.body.text)).toEqual(["một lần thôi", "tin sau"]);
    await dead.close().catch(() => {});
  }, 30_000);

  it("resumes a long message after its delivered part when another process retries it", async () => {
    fake = await new FakeTelegram().start();
    const prefix = `parts${randomInt(1e9)}`;
    rt = await telegramRuntime(fake, { delivery: { backoffBaseMs: 60_000 } }, prefix);
    const recipient = String(randomInt(1e6, 1e12));
    // Over 4096 characters: two parts. The first arrives; the second meets a 502.
    const long = Array.from({ length: 60 }, (_, i) => `Dòng ${i} `.padEnd(99, "x")).join("\n");
    let armed = true;
    fake.onCall((c) => {
      if (armed && c.method === "sendMessage" && String(c.body.chat_id) === recipient) {
        armed = false;
        fake!.failNext("sendMessage", { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } });
      }
    });
    const [id] = await enqueue(rt, recipient, [long]);
    const pending = await waitFor(async () => {
      const { rows } = await rt!.db.pool.query(`SELECT status, attempts, parts_sent, last_part_id FROM outbox WHERE id = $1`, [id]);
      return rows[0].attempts === 1 && rows[0].status === "pending" ? rows[0] : undefined;
    }, 10_000, "the failed attempt");
    expect(pending).toMatchObject({ parts_sent: 1, last_part_id: expect.any(String) });
    // This process goes away; another one takes the retry when it is due.
    await rt.close();
    rt = await telegramRuntime(fake, {}, prefix);
    await rt.db.pool.query(`UPDATE outbox SET next_attempt_at = now() WHERE id = $1`, [id]);
    const [row] = await settled(rt, [id!]);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    const sent = fake.messages(recipient).map((c) => String(c.body.text));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.startsWith("Dòng 0 ")).toBe(true);
    expect(sent.join("\n")).toBe(long);
    expect(row!.platform_message_id).toBe(String(fake.calls.filter((c) => c.method === "sendMessage").length));
  }, 30_000);

  it("marks a chat unreachable when Telegram says the bot was blocked", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const recipient = String(randomInt(1e6, 1e12));
    await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id) VALUES ('telegram', $1)`, [recipient]);
    fake.failNext("sendMessage", { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } });
    const ids = await enqueue(rt, recipient, ["a"]);
    const rows = await settled(rt, ids);
    expect(rows[0].status).toBe("failed");
    const { rows: acc } = await rt.db.pool.query(`SELECT reachable, unreachable_reason FROM channel_accounts WHERE external_id = $1`, [recipient]);
    expect(acc[0]).toEqual({ reachable: false, unreachable_reason: expect.stringMatching(/403/) });
  });

  it("retries a server failure with back-off and sends once", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { delivery: { backoffBaseMs: 300 } });
    fake.failNext("sendMessage", { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } });
    const recipient = String(randomInt(1e6, 1e12));
    const ids = await enqueue(rt, recipient, ["thử lại"]);
    const rows = await settled(rt, ids);
    expect(rows[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect(fake.messages(recipient)).toHaveLength(1);
  });
});

describe("50 citizens at the same time", () => {
  it("all reach their verdict with their own answers", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const sets = await loadShippedSets();
    const unit = await addUnit(rt.db.pool);
    const citizens = Array.from({ length: 50 }, () => new TelegramCitizen(() => rt!, fake!));
    const results = await Promise.all(
      citizens.map((c, i) => driveToVerdict(c, sets[i % sets.length]!, unit.code, i % 2 === 0 ? "best" : "worst")),
    );
    const { rows } = await rt.db.pool.query(
      `SELECT c.external_id, a.verdict, a.answers, a.status FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
        WHERE c.external_id = ANY($1::text[])`,
      [citizens.map((c) => String(c.chatId))],
    );
    expect(rows).toHaveLength(50);
    for (const [i, c] of citizens.entries()) {
      const row = rows.find((r) => r.external_id === String(c.chatId))!;
      expect(row.status).toBe("submitted");
      expect(row.verdict).toBe(i % 2 === 0 ? "dat" : "chua_dat");
      expect(Object.keys(row.answers).length).toBeGreaterThan(0);
      expect(row.answers).toEqual(results[i]!.chosen);
    }
    const { rows: stuck } = await rt.db.pool.query(
      `SELECT count(*)::int AS n FROM outbox WHERE recipient = ANY($1::text[]) AND status <> 'sent'`,
      [citizens.map((c) => String(c.chatId))],
    );
    expect(stuck[0].n).toBe(0);
  }, 120_000);
});
