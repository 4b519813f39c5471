import { createHash } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { BUTTON_PAYLOAD_PREFIX } from "../../../server/channels/zalo/render.ts";
import { zaloWebhookRoutes } from "../../../server/channels/zalo/webhook.ts";
import type { InboundInput, InboundOutcome } from "../../../server/conversation/types.ts";
import { testConfig } from "../../support/env.ts";

const APP_ID = "1234567890123456789";
const SECRET = "oa-secret-for-webhook-tests";
const USER = "2468458835296117922";
const config = testConfig({ ZALO_APP_ID: APP_ID, ZALO_OA_SECRET_KEY: SECRET, ZALO_TOKEN_KEY: "ab".repeat(32) });

const sign = (raw: string, ts: string) => `mac=${createHash("sha256").update(APP_ID + raw + ts + SECRET).digest("hex")}`;

/** A real recording pipeline: remembers inputs, answers duplicate for a repeated event id. */
function recorder(fail = false) {
  const inputs: InboundInput[] = [];
  const seen = new Set<string>();
  const handleInbound = async (input: InboundInput): Promise<InboundOutcome> => {
    if (fail) throw new Error("database down");
    inputs.push(input);
    if (seen.has(input.eventId)) return { status: "duplicate" };
    seen.add(input.eventId);
    return { status: "applied", outboxIds: ["1"] };
  };
  return { inputs, handleInbound };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(rec = recorder(), touched: [string, Date][] = []) {
  app = Fastify({ logger: false });
  const logger = pino({ level: "silent" });
  await app.register(zaloWebhookRoutes({ config, handleInbound: rec.handleInbound, logger, touch: (u, at) => void touched.push([u, at]) }));
  app.post("/other", async (request) => ({ got: request.body }));
  await app.ready();
  return { app, rec, touched };
}

const textBody = (text: string, msgId = "e2a6f0c1d2") =>
  JSON.stringify({
    event_name: "user_send_text",
    app_id: APP_ID,
    sender: { id: USER },
    recipient: { id: "579745863508352884" },
    message: { text, msg_id: msgId },
    timestamp: "1717061839659",
    user_id_by_app: "552177279717587730",
  });

const post = (a: FastifyInstance, raw: string, signature?: string, contentType = "application/json") =>
  a.inject({
    method: "POST",
    url: "/webhooks/zalo",
    headers: { "content-type": contentType, ...(signature ? { "x-zevent-signature": signature } : {}) },
    payload: raw,
  });

describe("POST /webhooks/zalo", () => {
  it("a valid event → handleInbound once with the parsed event and the msg_id replies name, 200", async () => {
    const { app, rec } = await build();
    const raw = textBody("Xin chào");
    const res = await post(app, raw, sign(raw, "1717061839659"));
    expect(res.statusCode).toBe(200);
    expect(rec.inputs).toEqual([
      {
        channel: "zalo", externalUserId: USER, eventId: "e2a6f0c1d2", event: { type: "text", text: "Xin chào" },
        at: new Date(1717061839659), replyTo: "e2a6f0c1d2",
      },
    ]);
  });

  it("a button tap arrives as a button event; content-type with charset works", async () => {
    const { app, rec } = await build();
    const raw = textBody(`${BUTTON_PAYLOAD_PREFIX}3.a.1`, "tap1");
    const res = await post(app, raw, sign(raw, "1717061839659"), "application/json; charset=utf-8");
    expect(res.statusCode).toBe(200);
    expect(rec.inputs[0]!.event).toEqual({ type: "button", data: "3.a.1" });
  });

  it("a forged or missing signature → 401 bad_signature and handleInbound is not called", async () => {
    const { app, rec } = await build();
    const raw = textBody("Xin chào");
    const forged = await post(app, raw, sign(raw.replace("chào", "chao"), "1717061839659"));
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: "bad_signature" } });
    const missing = await post(app, raw);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe("bad_signature");
    expect(rec.inputs).toHaveLength(0);
  });

  it("a body changed after signing → 401", async () => {
    const { app, rec } = await build();
    const raw = textBody("Xin chào");
    const res = await post(app, raw.replace(USER, "2468458835296117923"), sign(raw, "1717061839659"));
    expect(res.statusCode).toBe(401);
    expect(rec.inputs).toHaveLength(0);
  });

  it("malformed JSON with a valid signature → 400 and nothing is applied", async () => {
    const { app, rec } = await build();
    const raw = `{"event_name":"user_send_text","timestamp":"1717061839659","message":{"text":"x"`;
    const res = await post(app, raw, sign(raw, "1717061839659"));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("bad_json");
    expect(rec.inputs).toHaveLength(0);
  });

  it("an unknown event → 200 without calling handleInbound; a user's own unhandled action is touched", async () => {
    const { app, rec, touched } = await build();
    const seen = JSON.stringify({ event_name: "user_seen_message", app_id: APP_ID, sender: { id: USER }, timestamp: "1717061839700" });
    const r1 = await post(app, seen, sign(seen, "1717061839700"));
    expect(r1.statusCode).toBe(200);
    const sticker = JSON.stringify({ event_name: "user_send_sticker", app_id: APP_ID, sender: { id: USER }, message: { msg_id: "st" }, timestamp: "1717061839800" });
    const r2 = await post(app, sticker, sign(sticker, "1717061839800"));
    expect(r2.statusCode).toBe(200);
    expect(rec.inputs).toHaveLength(0);
    expect(touched).toEqual([[USER, new Date(1717061839800)]]);
  });

  it("a redelivered event (duplicate) → 200 again", async () => {
    const { app, rec } = await build();
    const raw = textBody("Một", "dup1");
    expect((await post(app, raw, sign(raw, "1717061839659"))).json()).toMatchObject({ status: "applied" });
    const again = await post(app, raw, sign(raw, "1717061839659"));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: "duplicate" });
    expect(rec.inputs).toHaveLength(2);
  });

  it("a failing pipeline → 500, so that Zalo delivers the event again", async () => {
    const { app } = await build(recorder(true));
    const raw = textBody("x", "f1");
    const res = await post(app, raw, sign(raw, "1717061839659"));
    expect(res.statusCode).toBe(500);
  });

  it("big ids survive as exact strings, even unquoted", async () => {
    const { app, rec } = await build();
    const raw = `{"event_name":"follow","app_id":"${APP_ID}","oa_id":"579745863508352884","follower":{"id":${USER}},"timestamp":"1717061839000"}`;
    const res = await post(app, raw, sign(raw, "1717061839000"));
    expect(res.statusCode).toBe(200);
    expect(rec.inputs[0]).toMatchObject({ externalUserId: USER, event: { type: "command", name: "start" } });
  });

  it("the raw-body parser stays inside the plugin: other routes still get parsed JSON", async () => {
    const { app } = await build();
    const res = await app.inject({ method: "POST", url: "/other", payload: { a: 1 } });
    expect(res.json()).toEqual({ got: { a: 1 } });
  });

  it("also encapsulates itself when called directly with the app (as buildApp does)", async () => {
    const rec = recorder();
    app = Fastify({ logger: false });
    await zaloWebhookRoutes({ config, handleInbound: rec.handleInbound, logger: pino({ level: "silent" }) })(app);
    app.post("/other", async (request) => ({ got: request.body }));
    const raw = textBody("Chào", "direct1");
    expect((await post(app, raw, sign(raw, "1717061839659"))).statusCode).toBe(200);
    expect((await app.inject({ method: "POST", url: "/other", payload: { b: 2 } })).json()).toEqual({ got: { b: 2 } });
    expect(rec.inputs).toHaveLength(1);
  });

  it("refuses to start without the app id and OA secret", () => {
    const bare = testConfig();
    expect(() => zaloWebhookRoutes({ config: bare, handleInbound: recorder().handleInbound, logger: pino({ level: "silent" }) })).toThrow(/ZALO_APP_ID/);
  });
});
