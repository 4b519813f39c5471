// The malformed inputs that used to give 500 (and platform retries forever), one by one: each is now a
// 200 drop for Telegram and Zalo – nothing stored, counted – or a 400 for the web chat's own API; and a
// signed Zalo event older than the replay window is dropped while a fresh one is applied.
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webChannel } from "../../../server/channels/web/index.ts";
import { signatureFor } from "../../../server/channels/zalo/signature.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { platformsRuntime, type Platforms } from "../../support/platforms-runtime.ts";
import { SECRET } from "../../support/telegram-citizen.ts";
import { FAST_WEB, WEB_SECRET } from "../../support/web-runtime.ts";
import { WebCitizen } from "../../support/web-citizen.ts";
import { ZALO_APP_ID, ZALO_OA_SECRET } from "../../support/zalo-citizen.ts";

let rt: Runtime;
let platforms: Platforms | undefined;

beforeAll(async () => {
  const web = webChannel(FAST_WEB);
  platforms = await platformsRuntime({ WEB_CHAT_SECRET: WEB_SECRET, ZALO_REPLAY_WINDOW_HOURS: "24" }, { senders: [web.sender], extraRoutes: web.routes });
  rt = platforms.rt;
}, 30_000);
afterAll(async () => {
  await platforms?.close();
});

const stored = async (channel: string, externalId: string) =>
  (await rt.db.pool.query(`SELECT count(*)::int AS n FROM channel_accounts WHERE channel = $1::channel AND external_id = $2`, [channel, externalId])).rows[0].n;

function telegramPost(body: string) {
  return rt.app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    payload: body,
  });
}

describe("malformed Telegram updates with the right secret", () => {
  const chat = randomInt(1e6, 1e12);
  const message = (extra: Record<string, unknown>, without: string[] = []) => {
    const m: Record<string, unknown> = { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: "private" }, text: "xin chào", ...extra };
    for (const k of without) delete m[k];
    return JSON.stringify({ update_id: randomInt(1e9), message: m });
  };
  const cases: [string, string][] = [
    ["a message without date", message({}, ["date"])],
    ['"date":"yesterday"', message({ date: "yesterday" })],
    ["a date out of range", message({ date: 1e20 })],
    ["a message without chat", message({}, ["chat"])],
    ['"message":"hi"', JSON.stringify({ update_id: randomInt(1e9), message: "hi" })],
    ['"my_chat_member":1', JSON.stringify({ update_id: randomInt(1e9), my_chat_member: 1 })],
    ["a body of null", "null"],
    ["a chat.id with \\u0000", message({ chat: { id: `${chat}\u0000`, type: "private" } })],
    ["text with \\u0000", message({ text: "a\u0000b" })],
    ["not JSON", "{"],
  ];
  it.each(cases)("%s → 200, dropped and counted, nothing stored", async (_name, body) => {
    const before = rt.drops.total("telegram");
    const res = await telegramPost(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, dropped: true });
    expect(rt.drops.total("telegram")).toBe(before + 1);
    expect(await stored("telegram", String(chat))).toBe(0);
  });

  it("a wrong secret is still 401, whatever the body", async () => {
    const res = await rt.app.inject({ method: "POST", url: "/webhooks/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" }, payload: "null" });
    expect(res.statusCode).toBe(401);
  });
});

describe("signed Zalo events", () => {
  const post = (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    return rt.app.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json", "x-zevent-signature": signatureFor(raw, ZALO_APP_ID, String(body.timestamp), ZALO_OA_SECRET) },
      payload: raw,
    });
  };
  const event = (user: string, timestamp: string) => ({
    app_id: ZALO_APP_ID,
    event_name: "user_send_text",
    sender: { id: user },
    recipient: { id: "579745863508352884" },
    timestamp,
    message: { text: "xin chào", msg_id: randomBytes(16).toString("hex") },
  });

  it('"timestamp":"100000000000000000000" → 200, dropped, nothing stored', async () => {
    const user = `4${randomInt(1e9)}`;
    const res = await post(event(user, "100000000000000000000"));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dropped: true });
    expect(await stored("zalo", user)).toBe(0);
  });

  it("a year-old signed event is dropped; one of an hour ago is applied", async () => {
    const old = `5${randomInt(1e9)}`;
    const recent = `6${randomInt(1e9)}`;
    const res = await post(event(old, String(Date.now() - 365 * 86_400_000)));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dropped: true });
    expect(await stored("zalo", old)).toBe(0);
    const fresh = await post(event(recent, String(Date.now() - 3_600_000)));
    expect(fresh.json()).toEqual({ ok: true, status: "applied" });
    expect(await stored("zalo", recent)).toBe(1);
  });
});

describe("the web chat's own API", () => {
  it("after=9223372036854775808 → 400 invalid_after", async () => {
    const c = new WebCitizen(() => rt);
    await c.open();
    const res = await c.get("/chat/api/messages?after=9223372036854775808");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_after");
    expect((await c.get("/chat/api/messages?after=9223372036854775807")).statusCode).toBe(200);
  });

  it("text with a NUL byte → 400 invalid_text, nothing stored", async () => {
    const c = new WebCitizen(() => rt);
    await c.open();
    const res = await c.event({ type: "text", text: "a\u0000b" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_text");
    expect(await stored("web", c.account)).toBe(0);
  });
});
