import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { redisPromotionQuota } from "../../../server/channels/zalo/promotion-quota.ts";
import { createRedis } from "../../../server/redis.ts";
import { ZaloClient } from "../../../server/channels/zalo/client.ts";
import { BUTTON_PAYLOAD_PREFIX } from "../../../server/channels/zalo/render.ts";
import { createZaloSender, nightBanDelayMs, NIGHT_BAN_DAYTIME_DELAY_MS, WINDOW_RECHECK_MS } from "../../../server/channels/zalo/sender.ts";
import type { ZaloTokenSource } from "../../../server/channels/zalo/tokens.ts";
import { ZaloTokenError } from "../../../server/channels/zalo/tokens.ts";
import type { OutboxPayload, RecipientInfo } from "../../../server/outbox/types.ts";
import { startFakeZalo, type FakeZalo } from "../../support/fake-zalo.ts";

const USER = "2468458835296117922";
const NOW = new Date("2026-11-23T15:30:00Z"); // 22:30 in Hanoi
const HOUR = 3_600_000;
let fake: FakeZalo;
let client: ZaloClient;

/** A token source over the fake's pairs (the PostgreSQL store has its own tests). */
function tokens(): ZaloTokenSource & { refreshes: number } {
  let current = fake.issuePair();
  const source = {
    refreshes: 0,
    getAccessToken: async () => current.accessToken,
    refreshAfterRejection: async (rejected: string) => {
      if (rejected === current.accessToken) {
        source.refreshes++;
        const fresh = await client.refreshToken(current.refreshToken);
        current = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken };
      }
      return current.accessToken;
    },
  };
  return source;
}

const message = (text: string, buttons?: { label: string; data: string }[][]): OutboxPayload => ({
  kind: "message",
  message: { text, ...(buttons ? { buttons } : {}) },
});
const recent: RecipientInfo = { lastInteractionAt: new Date(NOW.getTime() - HOUR), reachable: true };

beforeAll(async () => {
  fake = await startFakeZalo();
  client = new ZaloClient({ apiBase: fake.url, oauthBase: fake.url, appId: "app" });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.calls.length = 0;
});

describe("nightBanDelayMs (Asia/Ho_Chi_Minh)", () => {
  const at = (iso: string) => new Date(iso);
  it("22:30 → 7.5 h", () => expect(nightBanDelayMs(at("2026-11-23T22:30:00+07:00"))).toBe(7.5 * HOUR));
  it("05:59 → 1 min", () => expect(nightBanDelayMs(at("2026-11-24T05:59:00+07:00"))).toBe(60_000));
  it("23:59 on 31 Dec → 06:00 on 1 Jan", () => {
    const now = at("2026-12-31T23:59:00+07:00");
    expect(nightBanDelayMs(now)).toBe(6 * HOUR + 60_000);
    expect(new Date(now.getTime() + nightBanDelayMs(now)).toISOString()).toBe("2026-12-31T23:00:00.000Z");
  });
  it("around midnight: 00:00 → 6 h, 23:59:59.5 → 6 h 0.5 s", () => {
    expect(nightBanDelayMs(at("2026-11-24T00:00:00+07:00"))).toBe(6 * HOUR);
    expect(nightBanDelayMs(at("2026-11-23T23:59:59.500+07:00"))).toBe(6 * HOUR + 500);
  });
  it("22:00 exactly → 8 h; during the day (clocks disagree) → a short wait", () => {
    expect(nightBanDelayMs(at("2026-11-23T22:00:00+07:00"))).toBe(8 * HOUR);
    expect(nightBanDelayMs(at("2026-11-23T12:00:00+07:00"))).toBe(NIGHT_BAN_DAYTIME_DELAY_MS);
  });
});

describe("createZaloSender", () => {
  it("declares Zalo's pacing", () => {
    const sender = createZaloSender({ client, tokens: tokens() });
    expect(sender).toMatchObject({ channel: "zalo", globalPerSecond: 60, perRecipientIntervalMs: 300 });
  });

  it("sends a message and returns its id; buttons carry the prefixed data", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    const result = await sender.send(USER, message("Có hay không?", [[{ label: "Có", data: "1.a.y" }]]), recent);
    expect(result).toEqual({ ok: true, platformMessageId: expect.stringMatching(/^m/), billed: "consultation" });
    const [call] = fake.sends();
    expect(call!.json).toMatchObject({
      recipient: { user_id: USER },
      message: { text: "Có hay không?", attachment: { payload: { buttons: [{ type: "oa.query.hide", payload: `${BUTTON_PAYLOAD_PREFIX}1.a.y` }] } } },
    });
  });

  it("out of the 7-day window: not attempted, the row waits for the citizen (not unreachable); after 45 days given up", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    const old = { lastInteractionAt: new Date(NOW.getTime() - 7 * 24 * HOUR - 1), reachable: true };
    expect(await sender.send(USER, message("x"), old)).toEqual({
      ok: false,
      retry: "after",
      scope: "recipient",
      delayMs: WINDOW_RECHECK_MS,
      reason: "zalo window closed (out_of_window)",
      untilInteraction: true,
    });
    expect(sender.windowOpen!(old)).toBe(false);
    const gone = { lastInteractionAt: new Date(NOW.getTime() - 46 * 24 * HOUR), reachable: true };
    expect(await sender.send(USER, message("x"), gone)).toMatchObject({ retry: "never" });
    expect(await sender.send(USER, message("x"), gone)).not.toHaveProperty("unreachable");
    expect(await sender.send(USER, message("x"), { lastInteractionAt: null, reachable: true })).toMatchObject({ retry: "never" });
    expect(fake.sends()).toHaveLength(0);
    // six days ago is still inside (billed, but allowed)
    const sixDays = { lastInteractionAt: new Date(NOW.getTime() - 6 * 24 * HOUR), reachable: true };
    expect(sender.windowOpen!(sixDays)).toBe(true);
    expect(await sender.send(USER, message("x"), sixDays)).toMatchObject({ ok: true });
  });

  it("with ZALO_WINDOW_TEMPLATE, a notice outside the window goes as a transaction template; a reply still waits", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW, windowTemplate: "transaction_education" });
    const old = { lastInteractionAt: new Date(NOW.getTime() - 20 * 24 * HOUR), reachable: true };
    const notice = message(`Bài tự đánh giá của bạn đã được xác nhận.\n${"Chi tiết ".repeat(60)}`, [[{ label: "Xem kết quả chi tiết của bài tự đánh giá", data: "9.v" }]]);
    const notified = await sender.send(USER, { ...notice }, old, undefined, { lane: "notice" });
    expect(notified).toMatchObject({ ok: true, billed: "template" });
    const [call] = fake.templates();
    const payload = (call!.json as any).message.attachment.payload;
    expect((call!.json as any).recipient).toEqual({ user_id: USER });
    expect(payload.template_type).toBe("transaction_education");
    expect(payload.elements[0]).toEqual({ type: "header", content: "Bài tự đánh giá của bạn đã được xác nhận.", align: "left" });
    expect(payload.elements.length).toBeLessThanOrEqual(3);
    for (const e of payload.elements.slice(1)) expect(Array.from(e.content as string).length).toBeLessThanOrEqual(250);
    expect(payload.buttons).toEqual([{ title: expect.any(String), type: "oa.query.hide", payload: `${BUTTON_PAYLOAD_PREFIX}9.v` }]);
    expect(Array.from(payload.buttons[0].title as string).length).toBeLessThanOrEqual(35);
    // A reply is not sent as a paid template: it waits for the citizen like before.
    expect(await sender.send(USER, message("x"), old, undefined, { lane: "reply" })).toMatchObject({ retry: "after", untilInteraction: true });
    expect(fake.templates()).toHaveLength(1);
    expect(fake.sends()).toHaveLength(0);
  });

  it("with ZALO_DECISION_TEMPLATE, an officer's decision outside the window goes as that template; other notices as the window template", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW, windowTemplate: "transaction_education", decisionTemplate: "transaction_event" });
    const old = { lastInteractionAt: new Date(NOW.getTime() - 20 * 24 * HOUR), reachable: true };
    const decision = { kind: "message" as const, message: { title: "Xin chúc mừng!", text: "Bài đã được xác nhận.", purpose: "decision" as const } };
    expect(await sender.send(USER, decision, old, undefined, { lane: "notice" })).toMatchObject({ ok: true, billed: "template" });
    expect(await sender.send(USER, message("Nhắc việc"), old, undefined, { lane: "notice" })).toMatchObject({ ok: true, billed: "template" });
    expect(fake.templates().map((c) => (c.json as any).message.attachment.payload.template_type)).toEqual(["transaction_event", "transaction_education"]);
    // Only the decision template set: a decision goes, another notice waits.
    const only = createZaloSender({ client, tokens: tokens(), now: () => NOW, decisionTemplate: "transaction_event" });
    expect(await only.send(USER, decision, old, undefined, { lane: "notice" })).toMatchObject({ ok: true });
    expect(await only.send(USER, message("Nhắc việc"), old, undefined, { lane: "notice" })).toMatchObject({ retry: "after", untilInteraction: true });
    expect(fake.templates()).toHaveLength(3);
  });

  it("with ZALO_PROMOTION_TEMPLATE, a campaign message outside the window goes as a promotion, one per user per Vietnam day", async () => {
    const redis = createRedis(inject("redisUrl"));
    try {
      const quota = redisPromotionQuota(redis, `promo_${randomBytes(4).toString("hex")}`);
      const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW, windowTemplate: "transaction_education", promotion: { template: "promotion", quota } });
      const old = { lastInteractionAt: new Date(NOW.getTime() - 20 * 24 * HOUR), reachable: true };
      const reminder = message("Tuần lễ học tập suốt đời\nKính mời ông/bà tiếp tục tự đánh giá.", [[{ label: "Tiếp tục tự đánh giá", data: "R.go" }]]);
      expect(await sender.send(USER, reminder, old, undefined, { lane: "bulk" })).toMatchObject({ ok: true });
      const [call] = fake.promotions();
      expect((call!.json as any).recipient).toEqual({ user_id: USER });
      expect((call!.json as any).message.attachment.payload.template_type).toBe("promotion");
      // A second campaign message to the same user that day is not attempted: it waits for 06:00 tomorrow
      // (NOW is 22:30 in Hanoi: 7.5 h).
      const second = await sender.send(USER, reminder, old, undefined, { lane: "bulk" });
      expect(second).toMatchObject({ ok: false, retry: "after", scope: "recipient", delayMs: 7.5 * HOUR, reason: expect.stringMatching(/already had one today/) });
      expect(fake.promotions()).toHaveLength(1);
      // Another user has a promotion of their own; a notice still goes as a transaction template.
      expect(await sender.send("9988776655", reminder, old, undefined, { lane: "bulk" })).toMatchObject({ ok: true });
      expect(await sender.send(USER, reminder, old, undefined, { lane: "notice" })).toMatchObject({ ok: true });
      expect(fake.promotions()).toHaveLength(2);
      expect(fake.templates()).toHaveLength(1);
      // A promotion Zalo refuses gives the day back: the next attempt is made.
      fake.failNextSends(-201, 1, "bad parameter");
      expect(await sender.send("1122334455", reminder, old, undefined, { lane: "bulk" })).toMatchObject({ ok: false, retry: "never" });
      expect(await sender.send("1122334455", reminder, old, undefined, { lane: "bulk" })).toMatchObject({ ok: true });
      expect(fake.sends()).toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it("a reply names the citizen's message (recipient.message_id), so Zalo bills it as a reply", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    expect(await sender.send(USER, message("Cảm ơn bạn."), recent, undefined, { lane: "reply", replyTo: "msg-42" })).toMatchObject({ ok: true, billed: "reply" });
    expect(fake.sends()[0]!.json).toEqual({ recipient: { message_id: "msg-42" }, message: { text: "Cảm ơn bạn." } });
  });

  it("a reply to a message too old to answer (-232) goes once more as a proactive message", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(-232);
    expect(await sender.send(USER, message("Nhắc bạn"), recent, undefined, { lane: "reply", replyTo: "msg-old" })).toMatchObject({ ok: true });
    expect(fake.sends().map((c) => (c.json as any).recipient)).toEqual([{ message_id: "msg-old" }, { user_id: USER }]);
  });

  it("combines the messages of one answer into one, buttons only at the end, within 2000 characters", () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    const thanks = { text: "Đã ghi nhận." };
    const question = { title: "Câu 2", text: "Bạn có đọc sách mỗi tuần không?", buttons: [[{ label: "Có", data: "3.a.y" }]] };
    const next = { text: "Sau" };
    expect(sender.combine!([thanks, question, next])).toEqual({
      message: { text: "Đã ghi nhận.\n\nCâu 2\nBạn có đọc sách mỗi tuần không?", buttons: question.buttons },
      count: 2,
    });
    // A message with buttons first, or a text that would not fit, travels alone.
    expect(sender.combine!([question, thanks]).count).toBe(1);
    expect(sender.combine!([thanks, { text: "z".repeat(1990) }]).count).toBe(1);
  });

  it("callback answers are not a Zalo thing: ok without a call", async () => {
    const sender = createZaloSender({ client, tokens: tokens() });
    expect(await sender.send(USER, { kind: "callback_answer", callbackQueryId: "1" }, recent)).toEqual({ ok: true, platformMessageId: "noop" });
    expect(fake.calls).toHaveLength(0);
  });

  it("a long text goes out in parts; the result carries the id of the last part", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    const text = Array.from({ length: 30 }, () => "y".repeat(99)).join("\n");
    const result = await sender.send(USER, message(text, [[{ label: "OK", data: "2.o" }]]), recent);
    const sends = fake.sends();
    expect(sends).toHaveLength(2);
    expect((sends[0]!.json as { message: { attachment?: unknown } }).message.attachment).toBeUndefined();
    expect((sends[1]!.json as { message: { attachment?: unknown } }).message.attachment).toBeDefined();
    expect(result).toEqual({ ok: true, platformMessageId: expect.any(String), billed: "consultation" });
  });

  it("a failed second part reports the part delivered, and a retry given it sends only the rest", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    const text = Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(99, "z")).join("\n");
    fake.passNextSends(1);
    fake.httpErrorNextSends(503); // the second part meets a failing proxy
    const failed = await sender.send(USER, message(text), recent);
    expect(failed).toMatchObject({ ok: false, retry: "backoff", partsSent: { count: 1, lastId: expect.any(String) } });
    const done = (failed as { partsSent: { count: number; lastId: string } }).partsSent;
    expect(await sender.send(USER, message(text), recent, done)).toMatchObject({ ok: true });
    const texts = fake.sends().map((c) => (c.json as { message: { text: string } }).message.text.slice(0, 2));
    expect(texts).toEqual(["0z", "20", "20"]); // part 1 once; part 2 failed, then delivered
    // a message whose first part fails reports nothing delivered
    fake.httpErrorNextSends(503);
    expect(await sender.send(USER, message(text), recent)).not.toHaveProperty("partsSent");
  });

  it("-216 → refresh once and send again with the new token", async () => {
    const source = tokens();
    const sender = createZaloSender({ client, tokens: source, now: () => NOW });
    fake.failNextSends(-216);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: true });
    expect(source.refreshes).toBe(1);
    const [a, b] = fake.sends();
    expect(a!.headers["access_token"]).not.toBe(b!.headers["access_token"]);
  });

  it("a token still refused after the refresh holds the channel", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(-220, 2);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "after", scope: "channel" });
  });

  it("no usable token pair: the channel waits for an operator", async () => {
    const broken: ZaloTokenSource = {
      getAccessToken: async () => {
        throw new ZaloTokenError("no_tokens", "no pair");
      },
      refreshAfterRejection: async () => "",
    };
    const sender = createZaloSender({ client, tokens: broken, now: () => NOW });
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "after", scope: "channel", delayMs: 300_000 });
  });

  it.each([-230, -232])("window error %i → the row waits for the citizen; the account stays reachable", async (code) => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(code);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "after", scope: "recipient", untilInteraction: true, reason: `zalo window closed (${code})` });
  });

  it.each([-213, -227, -244])("unfollowed/inactive/blocked error %i → never + unreachable with the code as reason", async (code) => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(code);
    expect(await sender.send(USER, message("x"), recent)).toEqual({ ok: false, retry: "never", reason: String(code), unreachable: true });
  });

  it("-32 → wait 60 s on the whole channel", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(-32);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "after", scope: "channel", delayMs: 60_000 });
  });

  it("-234 night ban → wait for this recipient until 06:00 Vietnam time", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.failNextSends(-234);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "after", scope: "recipient", delayMs: 7.5 * HOUR });
  });

  it("network failures back off; other errors are final", async () => {
    const sender = createZaloSender({ client, tokens: tokens(), now: () => NOW });
    fake.httpErrorNextSends(500);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "backoff" });
    fake.failNextSends(-201);
    const bad = await sender.send(USER, message("x"), recent);
    expect(bad).toMatchObject({ ok: false, retry: "never" });
    expect(bad).not.toHaveProperty("unreachable");
    fake.failNextSends(-211);
    expect(await sender.send(USER, message("x"), recent)).toMatchObject({ ok: false, retry: "never" });
  });
});
