// The delivery worker's safety layers, each on its own against the fake Bot API: stop at a blocked chat,
// strict order by id, a channel-wide pause after a 429, a last attempt, button acknowledgements outside
// the chat's pacing, and a worker whose chat lock was lost stepping aside.
import { afterEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { TELEGRAM_LIMITS } from "../../../server/channels/telegram/sender.ts";
import { requestDelivery } from "../../../server/outbox/worker.ts";
import { FakeTelegram, retryAfter } from "../../support/fake-telegram.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { telegramRuntime } from "../../support/telegram-runtime.ts";
import { waitFor } from "../../support/processes.ts";
import { chatId, enqueue, settled } from "./support.ts";

let fake: FakeTelegram | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  await fake?.stop();
  rt = undefined;
  fake = undefined;
});

const blocked = { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } };
const badGateway = { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a chat that blocked the bot", () => {
  it("gets nothing more: the rest of its queue fails with the reason instead of being sent", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const recipient = chatId();
    await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id) VALUES ('telegram', $1)`, [recipient]);
    fake.failNext("sendMessage", blocked);
    const ids = await enqueue(rt, recipient, ["một", "hai", "ba"]);
    const rows = await settled(rt, ids);
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    expect(rows[1]!.last_error).toMatch(/unreachable.*blocked/);
    expect(rows.map((r) => r.attempts)).toEqual([1, 0, 0]);
    // One call reached Telegram (refused); none after it.
    expect(fake.calls.filter((c) => String(c.body.chat_id) === recipient).map((c) => c.method)).toEqual(["sendMessage:refused"]);
  });

  it("is reachable again when the citizen writes, and gets the reply", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const citizen = new TelegramCitizen(() => rt!, fake!);
    const recipient = String(citizen.chatId);
    await rt.db.pool.query(
      `INSERT INTO channel_accounts (channel, external_id, reachable, unreachable_reason) VALUES ('telegram', $1, false, 'telegram 403: blocked')`,
      [recipient],
    );
    const replies = await citizen.say("/start");
    expect(replies.length).toBeGreaterThan(0);
    const { rows } = await rt.db.pool.query(`SELECT reachable, unreachable_reason FROM channel_accounts WHERE external_id = $1`, [recipient]);
    expect(rows[0]).toEqual({ reachable: true, unreachable_reason: null });
  });
});

describe("order, retries and pauses", () => {
  it("keeps a chat's rows in order while the first is in back-off", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { delivery: { backoffBaseMs: 700 } });
    const recipient = chatId();
    fake.failNext("sendMessage", badGateway);
    const ids = await enqueue(rt, recipient, ["thứ nhất", "thứ hai", "thứ ba"]);
    const rows = await settled(rt, ids);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(fake.messages(recipient).map((c) => c.body.text)).toEqual(["thứ nhất", "thứ hai", "thứ ba"]);
  });

  it("gives up after the last attempt and tries no more", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { delivery: { backoffBaseMs: 100, maxAttempts: 3 } });
    const recipient = chatId();
    for (let i = 0; i < 3; i++) fake.failNext("sendMessage", badGateway);
    const [id] = await enqueue(rt, recipient, ["không tới"]);
    const [row] = await settled(rt, [id!]);
    expect(row).toMatchObject({ status: "failed", attempts: 3, last_error: expect.stringMatching(/gave up after 3 attempts/) });
    await sleep(1_500);
    expect(fake.calls.filter((c) => String(c.body.chat_id) === recipient)).toHaveLength(3);
    expect(fake.messages(recipient)).toHaveLength(0);
  });

  it("holds every chat of the channel after a 429, not only the chat that met it", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const first = chatId();
    const other = chatId();
    fake.failNext("sendMessage", retryAfter(2));
    const idsFirst = await enqueue(rt, first, ["gặp 429"]);
    const refusedAt = await waitFor(async () => fake!.calls.find((c) => c.method === "sendMessage:refused")?.at, 5_000, "the 429");
    const idsOther = await enqueue(rt, other, ["chat khác"]);
    await settled(rt, [...idsFirst, ...idsOther]);
    const sentOther = fake.messages(other)[0]!;
    expect(sentOther.at - refusedAt).toBeGreaterThanOrEqual(1_900);
  });
});

describe("button acknowledgements", () => {
  it("are answered at once, not behind the chat's paced messages", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake, { telegramLimits: TELEGRAM_LIMITS });
    const citizen = new TelegramCitizen(() => rt!, fake!);
    const recipient = String(citizen.chatId);
    // Six messages already queued for this chat: at one per second they take five seconds.
    await enqueue(rt, recipient, ["1", "2", "3", "4", "5", "6"]);
    await waitFor(async () => fake!.messages(recipient).length > 0 || undefined, 5_000, "first message");
    const tappedAt = Date.now();
    const update = citizen.buttonUpdate("not-a-button");
    expect(await citizen.post(update)).toBe(200);
    const ack = await waitFor(async () => fake!.calls.find((c) => c.method === "answerCallbackQuery"), 10_000, "the acknowledgement");
    expect(ack.body.callback_query_id).toBe((update.callback_query as { id: string }).id);
    expect(ack.at - tappedAt).toBeLessThan(1_000);
    expect(fake.messages(recipient).length).toBeLessThan(6);
  });
});

describe("a worker whose chat lock was lost", () => {
  it("leaves the chat to the new holder: every row sent once, in order, the held one recorded as sent", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const recipient = chatId();
    // The first message reaches Telegram, but its answer comes back only after the lock has changed hands.
    fake.failNext("sendMessage", { holdMs: 2_500 });
    const held = new Promise<void>((resolve) => fake!.onCall((c) => c.method === "sendMessage" && String(c.body.chat_id) === recipient && resolve()));
    const ids = await enqueue(rt, recipient, ["một", "hai", "ba"]);
    await held;
    // Redis loses the lock (a restart without persistence); another job takes the chat.
    await rt.redis.del(`${rt.config.redisPrefix}:outbox:lock:telegram:${recipient}`);
    await requestDelivery(rt.deliveries.get("telegram")!.queue, { channel: "telegram", recipient }, 0, "second");
    const rows = await settled(rt, ids);
    await sleep(3_000);
    const { rows: after } = await rt.db.pool.query(`SELECT status FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
    expect(rows.map((r) => r.status).slice(1)).toEqual(["sent", "sent"]);
    // The stale worker's own outcome wins over the "uncertain" the new holder set meanwhile.
    expect(after.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(fake.messages(recipient).map((c) => c.body.text)).toEqual(["một", "hai", "ba"]);
  });

  it("sends nothing more while another holds the chat", async () => {
    fake = await new FakeTelegram().start();
    rt = await telegramRuntime(fake);
    const recipient = chatId();
    fake.failNext("sendMessage", { holdMs: 1_500 });
    const held = new Promise<void>((resolve) => fake!.onCall((c) => c.method === "sendMessage" && String(c.body.chat_id) === recipient && resolve()));
    const ids = await enqueue(rt, recipient, ["một", "hai", "ba"]);
    await held;
    // While the first call is under way the lock expires and another process takes it for 4 s.
    const takenAt = Date.now();
    await rt.redis.set(`${rt.config.redisPrefix}:outbox:lock:telegram:${recipient}`, "another-process", "PX", 4_000);
    await settled(rt, ids);
    const sent = fake.messages(recipient);
    expect(sent.map((c) => c.body.text)).toEqual(["một", "hai", "ba"]);
    expect(sent[1]!.at - takenAt).toBeGreaterThanOrEqual(3_900);
  });
});
