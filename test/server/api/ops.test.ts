// Operators: /metrics in Prometheus format (webhooks by channel and outcome with latency, deliveries by
// result, outbox backlog by lane and channel, queue depths) and the BullMQ dashboard, administrator only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const P = uniquePrefix();

beforeAll(async () => {
  rt = await adminRuntime({ TELEGRAM_MODE: "webhook", TELEGRAM_BOT_TOKEN: "123456:TEST-token-abcdefghijklmnop", TELEGRAM_WEBHOOK_SECRET: "metrics-webhook-secret-0123" });
});
afterAll(async () => {
  await rt?.close();
});

describe("/metrics", () => {
  it("refuses anyone but the administrator", async () => {
    expect((await rt.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    await insertUnit(rt.db.pool, `${P}-XA`, "commune");
    const person = await insertOfficer(rt.db.pool, [`${P}-XA`]);
    const link = await createSignInLink(rt.db.pool, person, rt.config.publicBaseUrl);
    const { token } = (await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } })).json();
    const officer = await rt.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${token}` } });
    expect(officer.statusCode).toBe(403);
    expect(officer.json().error.code).toBe("forbidden");
  });

  it("counts webhooks by channel and outcome, and reports the outbox backlog and queue depths", async () => {
    const refused = await rt.app.inject({ method: "POST", url: "/webhooks/telegram", payload: { update_id: 1 }, headers: { "x-telegram-bot-api-secret-token": "wrong-secret-wrong-secret" } });
    expect(refused.statusCode).toBe(401);
    await rt.db.pool.query(
      `INSERT INTO outbox (channel, recipient, payload, idempotency_key) VALUES
       ('telegram', 'm1', '{"kind":"message","message":{"text":"x"}}', $1), ('telegram', 'm1', '{"kind":"callback_answer","callbackQueryId":"q"}', $2)`,
      [`${P}-1`, `${P}-2`],
    );
    const res = await rt.app.inject({ method: "GET", url: "/metrics", headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    const text = res.body;
    expect(text).toMatch(/cdht_webhook_requests_total\{channel="telegram",outcome="refused"\} 1/);
    expect(text).toMatch(/cdht_webhook_duration_seconds_count\{channel="telegram"\} 1/);
    expect(text).toMatch(/cdht_outbox_backlog\{lane="reply",channel="telegram"\} [1-9]/);
    expect(text).toMatch(/cdht_outbox_backlog\{lane="ack",channel="telegram"\} [1-9]/);
    expect(text).toMatch(/cdht_queue_jobs\{lane="message",channel="telegram",state="waiting"\} \d+/);
    expect(text).toContain("# TYPE cdht_deliveries_total counter");
    expect(text).toContain("cdht_process_resident_memory_bytes");
  });
});

describe("the queue dashboard", () => {
  it("is served to the administrator only", async () => {
    expect((await rt.app.inject({ method: "GET", url: "/admin/queues" })).statusCode).toBe(401);
    const page = await rt.app.inject({ method: "GET", url: "/admin/queues", headers: admin });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    const api = await rt.app.inject({ method: "GET", url: "/admin/queues/api/queues", headers: admin });
    expect(api.statusCode).toBe(200);
    expect(JSON.stringify(api.json())).toContain("outbox-telegram");
  });
});
