import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../../rules/index.ts";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { insertOutbox } from "../../../../server/outbox/store.ts";
import { requestDelivery } from "../../../../server/outbox/worker.ts";
import { NIGHT_BAN_DAYTIME_DELAY_MS, nightBanDelayMs } from "../../../../server/channels/zalo/sender.ts";
import { driveToVerdict, onboard, answerCurrent } from "../../../support/drive.ts";
import type { FakeZalo } from "../../../support/fake-zalo.ts";
import type { FakeTelegram } from "../../../support/fake-telegram.ts";
import { platformsRuntime, type Platforms } from "../../../support/platforms-runtime.ts";
import { waitFor } from "../../../support/processes.ts";
import { storedChat } from "../../../support/stored.ts";
import { TelegramCitizen } from "../../../support/telegram-citizen.ts";
import { addUnit } from "../../../support/telegram-runtime.ts";
import { ZaloCitizen } from "../../../support/zalo-citizen.ts";

let fake: FakeZalo;
let telegram: FakeTelegram;
let rt: Runtime;
let platforms: Platforms | undefined;
let sets: CriteriaSet[];
let unit: { code: string };

beforeAll(async () => {
  platforms = await platformsRuntime();
  ({ zalo: fake, telegram, rt } = platforms);
  sets = await loadShippedSets();
  unit = await addUnit(rt.db.pool);
});
afterAll(async () => {
  await platforms?.close();
});

const zaloCitizen = () => new ZaloCitizen(() => rt, fake);

async function scoreOf(channel: string, externalId: string) {
  const { rows } = await rt.db.pool.query(
    `SELECT a.answers, a.score, a.verdict FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
      WHERE c.channel = $1 AND c.external_id = $2 AND a.status = 'submitted'`,
    [channel, externalId],
  );
  return rows[0];
}

describe("a citizen on Zalo", () => {
  it.each(["best", "worst"] as const)("completes the assessment (%s answers) with the same verdict and score as on Telegram", async (mode) => {
    const set = sets.find((s) => s.targetGroup === "resident")!;
    const z = zaloCitizen();
    const t = new TelegramCitizen(() => rt, telegram);
    const [zr, tr] = await Promise.all([driveToVerdict(z, set, unit.code, mode), driveToVerdict(t, set, unit.code, mode)]);
    expect(zr.chosen).toEqual(tr.chosen);
    const zs = await scoreOf("zalo", z.userId);
    const ts = await scoreOf("telegram", String(t.chatId));
    expect(zs.answers).toEqual(ts.answers);
    expect(zs.score).toEqual(ts.score);
    expect(zs.verdict).toBe(mode === "best" ? "dat" : "chua_dat");
    // Zalo got plain text within its limits, and hidden-query buttons carrying our payloads.
    const buttons = z.messages().flatMap((call) => (call.json as any).message.attachment?.payload?.buttons ?? []);
    expect(z.messages().length).toBeGreaterThan(10);
    expect(buttons.length).toBeGreaterThan(10);
    for (const call of z.messages()) {
      const m = (call.json as any).message;
      expect(m.text.length).toBeLessThanOrEqual(2000);
      expect(m.text).not.toMatch(/<b>|&lt;/);
      for (const b of m.attachment?.payload?.buttons ?? []) {
        expect(b.type).toBe("oa.query.hide");
        expect(b.title.length).toBeLessThanOrEqual(100);
      }
    }
  }, 60_000);

  it("a retried delivery of the same event is answered 200 as a duplicate, applied once and sent once", async () => {
    const set = sets.find((s) => s.targetGroup === "worker")!;
    const z = zaloCitizen();
    await onboard(z, set, unit.code);
    const question = (await z.state()).step as { kind: string; qid: string };
    expect(question.kind).toBe("question");
    // A tap on an oa.query.hide button is a user_send_text carrying the button's payload.
    const e = z.textEvent(z.findPayload((a) => a === "a.y" || a === "a.0"));
    const eventId = JSON.parse(e.raw).message.msg_id as string;
    expect(await z.send(e)).toEqual({ status: 200, body: { ok: true, status: "applied" } });
    const replies = await z.replies();
    expect(replies.length).toBeGreaterThan(0);
    const applied = await storedChat(rt.db.pool, "zalo", z.userId, eventId);

    // Zalo retries the event: once more, then twice at the same time.
    const duplicate = { status: 200, body: { ok: true, status: "duplicate" } };
    expect(await z.send(e)).toEqual(duplicate);
    expect(await Promise.all([z.send(e), z.send(e)])).toEqual([duplicate, duplicate]);
    expect(await z.replies()).toEqual([]);
    // Nothing changed: no state, answer or outbox row written again (their updated_at would move).
    expect(await storedChat(rt.db.pool, "zalo", z.userId, eventId)).toEqual(applied);

    // Applied once: one inbound record, one assessment holding the answer, the state on the next step.
    expect(applied.inbound).toBe(1);
    expect(applied.assessments).toHaveLength(1);
    expect(Object.keys(applied.assessments[0]!.answers)).toEqual([question.qid]);
    expect((applied.account!.state as { step: { qid?: string } }).step.qid).not.toBe(question.qid);
    // Sent once: the event's rows went out as one Zalo message (its rows combined), sent once.
    expect(applied.eventRows.length).toBeGreaterThan(0);
    expect(applied.eventRows.map((r) => r.status)).toEqual(applied.eventRows.map(() => "sent"));
    expect(new Set(applied.eventRows.map((r) => r.platformMessageId)).size).toBe(replies.length);
    expect(replies).toHaveLength(1);
    expect((replies[0]!.json as any).recipient).toEqual({ message_id: eventId });
  });

  it("a forged or missing signature changes nothing", async () => {
    const z = zaloCitizen();
    const e = z.textEvent("/start");
    expect(await z.post({ raw: e.raw, signature: "mac=" + "0".repeat(64) })).toBe(401);
    expect(await z.post({ raw: e.raw })).toBe(401);
    expect(await z.state()).toBeUndefined();
  });

  it("the access token expiring mid-conversation costs one refresh and the reply still arrives", async () => {
    const set = sets.find((s) => s.targetGroup === "worker")!;
    const z = zaloCitizen();
    await onboard(z, set, unit.code);
    const refreshes = fake.refreshCount;
    const held = [...fake.validAccessTokens];
    fake.validAccessTokens.clear(); // Zalo now answers -216 to the token we hold
    const before = z.messages().length;
    const callsBefore = fake.calls.length;
    await answerCurrent(z, set, "best", {});
    expect(z.messages().length).toBeGreaterThan(before);
    expect(fake.refreshCount).toBe(refreshes + 1);
    // One send with the old token was refused, then the reply went out with the refreshed one.
    const sends = fake.calls.slice(callsBefore).filter((c) => c.path === "/v3.0/oa/message/cs");
    const tokens = sends.map((c) => (held.includes(String(c.headers["access_token"])) ? "old" : fake.validAccessTokens.has(String(c.headers["access_token"])) ? "new" : "other"));
    expect(tokens[0]).toBe("old");
    expect(tokens.slice(1).length).toBeGreaterThan(0);
    expect(tokens.slice(1).every((t) => t === "new")).toBe(true);
  });

  it("outside the 7-day window: sends nothing, keeps the account reachable, and delivers when the citizen writes again", async () => {
    const z = zaloCitizen();
    await z.say("/start");
    await rt.db.pool.query(
      `UPDATE channel_accounts SET last_interaction_at = now() - interval '8 days' WHERE channel = 'zalo' AND external_id = $1`,
      [z.userId],
    );
    const sendsBefore = z.messages().length;
    const [id] = await insertOutbox(rt.db.pool, [
      { channel: "zalo", recipient: z.userId, payload: { kind: "message", message: { text: "Cán bộ đã xác nhận bài tự đánh giá của bạn." } }, idempotencyKey: `win:${z.userId}`, lane: "notice" },
    ]);
    await requestDelivery(rt.deliveries.get("zalo")!.queue, { channel: "zalo", recipient: z.userId });
    const held = await waitFor(async () => {
      const { rows } = await rt.db.pool.query(`SELECT status, last_error, next_attempt_at > now() + interval '1 hour' AS later FROM outbox WHERE id = $1`, [id]);
      return rows[0].last_error ? rows[0] : undefined;
    }, 10_000, "row held");
    expect(held).toMatchObject({ status: "pending", later: true, last_error: expect.stringMatching(/window closed/) });
    expect(z.messages().length).toBe(sendsBefore);
    // A closed window is a state of its own: the account is not marked unreachable.
    const { rows } = await rt.db.pool.query(`SELECT reachable, unreachable_reason FROM channel_accounts WHERE channel = 'zalo' AND external_id = $1`, [z.userId]);
    expect(rows[0]).toEqual({ reachable: true, unreachable_reason: null });
    // The citizen writes: the reply, then the notice that waited.
    const fresh = await z.say("/status");
    const texts = fresh.map((c) => String((c.json as any).message.text));
    expect(texts.at(-1)).toContain("Cán bộ đã xác nhận");
    const { rows: sent } = await rt.db.pool.query(`SELECT status FROM outbox WHERE id = $1`, [id]);
    expect(sent[0].status).toBe("sent");
  });

  it("answers each message as a reply naming it, one Zalo message per answer", async () => {
    const z = zaloCitizen();
    const event = z.textEvent("/start");
    const msgId = JSON.parse(event.raw).message.msg_id;
    expect(await z.post(event)).toBe(200);
    const replies = await z.replies();
    // The welcome and the consent question: two engine messages, one Zalo message that names the citizen's.
    expect(replies).toHaveLength(1);
    expect((replies[0]!.json as any).recipient).toEqual({ message_id: msgId });
    // Their texts joined: each engine message (title on its own line), a blank line between them.
    const { rows: parts } = await rt.db.pool.query(
      `SELECT payload FROM outbox WHERE channel = 'zalo' AND recipient = $1 AND payload->>'kind' = 'message' ORDER BY id`,
      [z.userId],
    );
    const joined = parts.map((r) => [r.payload.message.title, r.payload.message.text].filter(Boolean).join("\n")).join("\n\n");
    expect(parts).toHaveLength(2);
    expect(String((replies[0]!.json as any).message.text)).toBe(joined);
    expect(joined).toMatch(/^Xin chào/);
    expect((replies[0]!.json as any).message.attachment.payload.buttons.length).toBeGreaterThan(0);
    const { rows } = await rt.db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT platform_message_id)::int AS ids FROM outbox WHERE channel = 'zalo' AND recipient = $1 AND status = 'sent'`,
      [z.userId],
    );
    expect(rows[0]).toEqual({ n: 2, ids: 1 });
  });

  it("holds a night-banned message until 06:00 in Vietnam, then sends it", async () => {
    const z = zaloCitizen();
    await z.say("/start");
    fake.failNextSends(-234, 1);
    const [id] = await insertOutbox(rt.db.pool, [
      { channel: "zalo", recipient: z.userId, payload: { kind: "message", message: { text: "Tuần lễ học tập suốt đời" } }, idempotencyKey: `night:${z.userId}:${randomInt(1e9)}` },
    ]);
    const t0 = Date.now();
    await requestDelivery(rt.deliveries.get("zalo")!.queue, { channel: "zalo", recipient: z.userId });
    const held = await waitFor(async () => {
      const { rows } = await rt.db.pool.query(`SELECT status, attempts, next_attempt_at FROM outbox WHERE id = $1`, [id]);
      return rows[0].attempts === 1 && rows[0].status === "pending" ? rows[0] : undefined;
    }, 10_000, "row held");
    const expected = t0 + nightBanDelayMs(new Date(t0), "Asia/Ho_Chi_Minh");
    const at = held.next_attempt_at.getTime();
    expect(Math.abs(at - expected)).toBeLessThan(15_000);
    // At night (22:00–06:00 in Vietnam) it waits for 06:00 there; by day (a refusal Zalo should not
    // give then) it tries again after NIGHT_BAN_DAYTIME_DELAY_MS.
    const vietnam = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
    const hour = Number(vietnam(new Date(t0)).slice(0, 2));
    if (hour >= 22 || hour < 6) expect(vietnam(held.next_attempt_at)).toBe("06:00");
    else expect(Math.abs(at - t0 - NIGHT_BAN_DAYTIME_DELAY_MS)).toBeLessThan(15_000);
    // The clock reaches 06:00: the held row is due and goes out.
    await rt.db.pool.query(`UPDATE outbox SET next_attempt_at = now() WHERE id = $1`, [id]);
    await requestDelivery(rt.deliveries.get("zalo")!.queue, { channel: "zalo", recipient: z.userId }, 0, "after-six");
    const sent = await waitFor(async () => {
      const { rows } = await rt.db.pool.query(`SELECT status, attempts FROM outbox WHERE id = $1`, [id]);
      return rows[0].status === "sent" ? rows[0] : undefined;
    }, 10_000, "sent after 06:00");
    expect(sent.attempts).toBe(2);
    // Two calls reached Zalo: the one refused with -234 at night, and the accepted one after 06:00.
    expect(z.messages().filter((c) => (c.json as any).message.text.includes("Tuần lễ học tập"))).toHaveLength(2);
    const { rows } = await rt.db.pool.query(`SELECT platform_message_id FROM outbox WHERE id = $1`, [id]);
    expect(rows[0].platform_message_id).toMatch(/^m/);
  });

  it("reports Zalo in /readyz", async () => {
    const res = await rt.app.inject("/readyz");
    expect(res.json().checks.zalo).toEqual({ status: "ok" });
  });
});
