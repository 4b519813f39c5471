// The web chat's HTTP API against the real pipeline, outbox worker, PostgreSQL and Redis: the cookie,
// validation, rate limits, deduplication, the unit link, long polling and evidence uploads. Every refused
// request is checked to have changed nothing.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIE_NAME, signAccountId, newAccountId, verifyAccountCookie } from "../../../../server/channels/web/cookie.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { footprint, newClientEventId, WebCitizen } from "../../../support/web-citizen.ts";
import { WEB_SECRET, webRuntime } from "../../../support/web-runtime.ts";
import { addUnit } from "../../../support/telegram-runtime.ts";
import { TARGET_GROUPS } from "../../../../bot/engine/index.ts";

let rt: Runtime;
let unit: { id: string; code: string };
const citizen = (ip?: string) => new WebCitizen(() => rt, ip);

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  rt = await webRuntime({ limits: { sessionEvents: { max: 1000, windowMs: 60_000 }, ipEvents: { max: 10_000, windowMs: 60_000 } } });
  unit = await addUnit(rt.db.pool, "Xã Thử Nghiệm Web");
});
afterAll(async () => {
  await rt?.close();
});

describe("GET /chat", () => {
  it("serves the Vietnamese page with a signed, http-only cookie and a strict CSP", async () => {
    const c = citizen();
    const res = await c.open();
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}; Path=/chat; Max-Age=34560000; HttpOnly; SameSite=Lax$`));
    expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(res.body).toContain('<html lang="vi">');
    expect(res.body).toContain("Tự đánh giá Công dân học tập");
    expect(res.body).toContain('placeholder="Nhập câu trả lời…"');
    // The texts for the script travel as inert JSON; the script and style come from this site.
    expect(res.body).toMatch(/<script type="application\/json" id="chat-config">\{"lang":"vi"/);
    expect(res.body).toMatch(/<script src="\/chat\/static\/chat\.js\?v=[0-9a-f]{12}" defer><\/script>/);
    // Opening it again keeps the same account and renews the cookie's lifetime.
    const again = await c.open();
    expect(String(again.headers["set-cookie"]).split(";")[0]).toBe(cookie.split(";")[0]);
  });

  it("does not adopt a forged cookie's account id: a fresh account is issued and the forged one is untouched", async () => {
    // A citizen with a conversation, whose account id someone knows but cannot sign.
    const victim = citizen();
    await victim.open();
    await victim.say("/start");
    const victimState = await victim.state();
    const victimRows = await footprint(rt.db.pool, victim.account);
    expect(victimRows).toMatchObject({ inbound: 1, accounts: 1 });
    // An id nobody has used yet, forged the same way.
    const unused = newAccountId();

    for (const forgedId of [victim.account, unused]) {
      const before = await footprint(rt.db.pool, forgedId);
      const other = citizen("198.51.100.66");
      other.cookie = `${COOKIE_NAME}=${signAccountId(forgedId, "another-secret-another-secret")}`;
      const res = await other.open();
      expect(res.statusCode).toBe(200);
      // The page set a cookie of its own signing for a new id, not the forged one re-signed.
      const issued = verifyAccountCookie(other.cookie.slice(COOKIE_NAME.length + 1), WEB_SECRET);
      expect(issued).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(issued).not.toBe(forgedId);
      // The session is a fresh one: none of the forged account's replies, and what it sends lands on
      // the new account only.
      expect((await other.get("/chat/api/messages?after=0")).json().messages).toEqual([]);
      await other.say("/start");
      expect(await footprint(rt.db.pool, issued!)).toMatchObject({ inbound: 1, accounts: 1 });
      expect(await footprint(rt.db.pool, forgedId)).toEqual(before);
    }
    expect(await footprint(rt.db.pool, unused)).toEqual({ inbound: 0, outbox: 0, accounts: 0, uploads: 0 });
    expect(await victim.state()).toEqual(victimState);
    expect(await footprint(rt.db.pool, victim.account)).toEqual(victimRows);
  });

  it("serves its script and style, and nothing else from /chat/static", async () => {
    const js = await rt.app.inject({ method: "GET", url: "/chat/static/chat.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toMatch(/^text\/javascript/);
    const css = await rt.app.inject({ method: "GET", url: "/chat/static/chat.css" });
    expect(css.statusCode).toBe(200);
    const other = await rt.app.inject({ method: "GET", url: "/chat/static/..%2f..%2fcookie.ts" });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("shows English texts with ?lang=en", async () => {
    const res = await citizen().open("/chat?lang=en");
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain("Learning Citizen self-assessment");
  });
});

describe("the API without a valid cookie", () => {
  const requests = [
    { method: "POST" as const, url: "/chat/api/events", payload: { clientEventId: "abcdefgh12", type: "start" }, type: "application/json" },
    { method: "POST" as const, url: "/chat/api/evidence?clientEventId=abcdefgh12", payload: PNG, type: "image/png" },
    { method: "GET" as const, url: "/chat/api/messages?after=0" },
  ];

  it.each(requests)("$method $url → 401 and nothing changes", async (r) => {
    const account = newAccountId();
    const forged = `${COOKIE_NAME}=${signAccountId(account, "not-the-secret-not-the-secret")}`;
    for (const cookie of [undefined, forged, `${COOKIE_NAME}=${account}`, `${COOKIE_NAME}=${account}.${"A".repeat(43)}`]) {
      const res = await rt.app.inject({
        method: r.method,
        url: r.url,
        headers: { ...(cookie ? { cookie } : {}), ...(r.type ? { "content-type": r.type } : {}) },
        ...(r.payload ? { payload: Buffer.isBuffer(r.payload) ? r.payload : JSON.stringify(r.payload) } : {}),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: "no_session", message: expect.stringContaining("/chat") } });
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
    expect(await footprint(rt.db.pool, account)).toEqual({ inbound: 0, outbox: 0, accounts: 0, uploads: 0 });
  });

  it("refuses a POST from another site's page (403) and changes nothing", async () => {
    const c = citizen();
    await c.open();
    const res = await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, { origin: "https://evil.example" });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("cross_origin");
    expect(await footprint(rt.db.pool, c.account)).toEqual({ inbound: 0, outbox: 0, accounts: 0, uploads: 0 });
    // The page's own origin passes: PUBLIC_BASE_URL, or the host the request went to. X-Forwarded-Host
    // counts only from a trusted proxy (trust-proxy.test.ts); here none is, so it cannot open the door.
    const forged = await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, { origin: "https://evil.example", host: "app:3000", "x-forwarded-host": "evil.example" });
    expect(forged.statusCode).toBe(403);
    const ownOrigins: Record<string, string>[] = [
      { origin: rt.config.publicBaseUrl },
      { origin: "http://chat.example:8080", host: "chat.example:8080" },
    ];
    for (const headers of ownOrigins) {
      expect((await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, headers)).statusCode).toBe(200);
    }
  });
});

describe("POST /chat/api/events validation", () => {
  const id = "valid_id-123";
  const cases: [string, unknown, string][] = [
    ["not JSON", "{nope", "invalid_json"],
    ["a JSON array", [], "invalid_body"],
    ["no type", { clientEventId: id }, "invalid_type"],
    ["an unknown type", { clientEventId: id, type: "photo" }, "invalid_type"],
    ["no clientEventId", { type: "start" }, "invalid_client_event_id"],
    ["a short clientEventId", { clientEventId: "abc", type: "start" }, "invalid_client_event_id"],
    ["a clientEventId with other characters", { clientEventId: "abc def:ghi", type: "start" }, "invalid_client_event_id"],
    ["a clientEventId of 65 characters", { clientEventId: "a".repeat(65), type: "start" }, "invalid_client_event_id"],
    ["text missing", { clientEventId: id, type: "text" }, "invalid_text"],
    ["text of spaces", { clientEventId: id, type: "text", text: "  \n\t " }, "invalid_text"],
    ["text of 501 characters", { clientEventId: id, type: "text", text: "ă".repeat(501) }, "invalid_text"],
    ["text that is a number", { clientEventId: id, type: "text", text: 5 }, "invalid_text"],
    ["button data missing", { clientEventId: id, type: "button" }, "invalid_button_data"],
    ["button data of 65 bytes", { clientEventId: id, type: "button", data: "a".repeat(65) }, "invalid_button_data"],
    ["button data of 22 three-byte characters", { clientEventId: id, type: "button", data: "ắ".repeat(22) }, "invalid_button_data"],
    ["a unit code of 33 characters", { clientEventId: id, type: "start", unit: "A".repeat(33) }, "invalid_unit"],
    ["a unit code with a space", { clientEventId: id, type: "start", unit: "DEMO XA" }, "invalid_unit"],
    ["an unknown field", { clientEventId: id, type: "start", extra: 1 }, "unknown_field"],
  ];

  it.each(cases)("%s → 400 %s and nothing changes", async (_what, payload, code) => {
    const c = citizen();
    await c.open();
    const res = await c.post("/chat/api/events", payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect(await footprint(rt.db.pool, c.account)).toEqual({ inbound: 0, outbox: 0, accounts: 0, uploads: 0 });
  });

  it("a body that is not JSON → 400 expected_json", async () => {
    const c = citizen();
    await c.open();
    const res = await c.post("/chat/api/events", "type=start", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("expected_json");
    expect(await footprint(rt.db.pool, c.account)).toEqual({ inbound: 0, outbox: 0, accounts: 0, uploads: 0 });
  });

  it("accepts text of exactly 500 characters, trimmed", async () => {
    const c = citizen();
    await c.open();
    expect((await c.event({ type: "start" })).statusCode).toBe(200);
    const res = await c.event({ type: "text", text: `  ${"ă".repeat(500)}  ` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "applied" });
  });
});

describe("a conversation", () => {
  it("the first start greets; a duplicate clientEventId is applied once and yields one reply", async () => {
    const c = citizen();
    await c.open();
    const body = { clientEventId: newClientEventId(), type: "start" };
    const first = await c.post("/chat/api/events", body);
    expect(first.json()).toEqual({ status: "applied" });
    const replies = await c.replies();
    expect(replies.map((m) => m.title)).toEqual(["Xin chào!", "Đồng ý cho lưu thông tin"]);
    expect(replies[1]!.buttons!.flat().map((b) => b.label)).toContain("Đồng ý");
    const again = await Promise.all([c.post("/chat/api/events", body), c.post("/chat/api/events", body)]);
    expect(again.map((r) => r.json())).toEqual([{ status: "duplicate" }, { status: "duplicate" }]);
    expect(await c.replies()).toEqual([]);
    expect(await footprint(rt.db.pool, c.account)).toMatchObject({ inbound: 1, outbox: 2, accounts: 1 });
  });

  it("a unit link (/chat?u=CODE → start with the unit) pre-selects the unit", async () => {
    const c = citizen();
    await c.open(`/chat?u=${unit.code}`);
    expect((await c.event({ type: "start", unit: unit.code.toLowerCase() })).statusCode).toBe(200);
    const welcome = await c.replies();
    expect((await c.state())!.pendingUnit).toBe(unit.code);
    const afterConsent = await c.tap("c.y", welcome);
    const afterGroup = await c.tap(`g.${TARGET_GROUPS.indexOf("worker")}`, afterConsent);
    const texts = afterGroup.map((m) => m.text).join("\n");
    expect(texts).toContain("Xã Thử Nghiệm Web");
    expect(afterGroup.at(-1)!.title).toBe("Họ và tên");
    const s = await c.state();
    expect(s!.profile.unitId).toBe(unit.id);
    expect(s!.step.kind).toBe("name");
  });

  it("a long poll returns new replies in order as soon as they are delivered", async () => {
    const c = citizen();
    await c.open();
    await c.event({ type: "start" });
    const first = await c.replies();
    const waiting = c.get(`/chat/api/messages?wait=1&after=${c.last}`);
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    await c.tap("c.y", first);
    const res = await waiting;
    expect(Date.now() - t0).toBeLessThan(1_500);
    const body = res.json() as { messages: { id: string; title?: string }[]; last: string };
    expect(body.messages.map((m) => m.title)).toEqual([undefined, "Nhóm đối tượng"]);
    const ids = body.messages.map((m) => BigInt(m.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(ids[0]! > BigInt(first.at(-1)!.id)).toBe(true);
    expect(body.last).toBe(body.messages.at(-1)!.id);
    // after=0 is the history a reloaded page shows; nothing new → an empty page after the wait.
    const history = (await c.get("/chat/api/messages?after=0")).json();
    expect(history.messages.map((m: { title?: string }) => m.title)).toEqual(["Xin chào!", "Đồng ý cho lưu thông tin", undefined, "Nhóm đối tượng"]);
    const idle = await c.get(`/chat/api/messages?wait=1&after=${body.last}`);
    expect(idle.json()).toEqual({ messages: [], last: body.last });
  });

  it("orders messages by their numeric id (9 before 10), in the history and after an id", async () => {
    const c = citizen();
    await c.open();
    const ids = ["999999998", "999999999", "1000000000", "1000000001"];
    for (const id of ids) {
      await rt.db.pool.query(
        `INSERT INTO outbox (id, channel, recipient, payload, status, idempotency_key) VALUES ($1, 'web', $2, $3, 'sent', $4)`,
        [id, c.account, JSON.stringify({ kind: "message", message: { text: `m${id}` } }), `test:${c.account}:${id}`],
      );
    }
    const history = (await c.get("/chat/api/messages?after=0")).json();
    expect(history.messages.map((m: { id: string }) => m.id)).toEqual(ids);
    expect(history.last).toBe("1000000001");
    const next = (await c.get("/chat/api/messages?after=999999999")).json();
    expect(next.messages.map((m: { text: string }) => m.text)).toEqual(["m1000000000", "m1000000001"]);
  });

  it("refuses a bad messages query", async () => {
    const c = citizen();
    await c.open();
    for (const [query, code] of [["after=-1", "invalid_after"], ["after=abc", "invalid_after"], ["after=0&wait=yes", "invalid_wait"], ["after=0&x=1", "unknown_field"]]) {
      const res = await c.get(`/chat/api/messages?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe(code);
    }
  });
});

describe("POST /chat/api/evidence", () => {
  /** A citizen at a question that takes evidence (before consent a photo is refused: privacy.test.ts). */
  async function started() {
    const c = citizen();
    const r = await c.onboardTyped(unit.code, "Nguyễn Văn Thử");
    await c.tap("a.0", r); // Chỉ số 1's plan; the hours question next takes a photo
    expect((await c.state())!.step).toMatchObject({ kind: "question", qid: "learn_hours" });
    return c;
  }

  it("stores a photo in web_uploads and hands it to the engine once, even when retried", async () => {
    const c = await started();
    const before = await footprint(rt.db.pool, c.account);
    const clientEventId = newClientEventId();
    const url = `/chat/api/evidence?clientEventId=${clientEventId}`;
    const res = await c.post(url, PNG, { "content-type": "image/png" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "applied" });
    const retry = await c.post(url, PNG, { "content-type": "image/png" });
    expect(retry.json()).toEqual({ status: "duplicate" });
    const { rows } = await rt.db.pool.query(`SELECT id, content_type, size, sha256, data FROM web_uploads WHERE web_account = $1`, [c.account]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ content_type: "image/png", size: PNG.length, sha256: createHash("sha256").update(PNG).digest("hex") });
    expect(Buffer.compare(rows[0].data, PNG)).toBe(0);
    const after = await footprint(rt.db.pool, c.account);
    expect(after.inbound).toBe(before.inbound + 1);
    // The question takes evidence: the engine keeps the reference and says so.
    const replies = await c.replies();
    expect(replies[0]!.text).toMatch(/đã nhận ảnh \(1\)/);
    expect(JSON.stringify((await c.state())!.assessment!.evidence)).toContain(`web-upload:${rows[0].id}`);
  });

  it("accepts a photo of exactly 5 MB", async () => {
    const c = await started();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 - 4)]);
    const res = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, jpeg, { "content-type": "image/jpeg" });
    expect(res.statusCode).toBe(200);
    expect((await footprint(rt.db.pool, c.account)).uploads).toBe(1);
  });

  const bad: [string, Buffer, string, string][] = [
    ["a GIF", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"), "image/gif", "unsupported_file_type"],
    ["a PDF", Buffer.from("%PDF-1.4\n"), "application/pdf", "unsupported_file_type"],
    ["text called a PNG", Buffer.from("hello, not an image"), "image/png", "not_an_image"],
    ["an empty body", Buffer.alloc(0), "image/jpeg", "empty_file"],
  ];

  it.each(bad)("%s → 400 %s and nothing is stored", async (_what, body, type, code) => {
    const c = await started();
    const before = await footprint(rt.db.pool, c.account);
    const res = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, body, { "content-type": type });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect(await footprint(rt.db.pool, c.account)).toEqual(before);
  });

  it("a photo over 5 MB → 413 file_too_large in the one error shape, and nothing is stored", async () => {
    const c = await started();
    const before = await footprint(rt.db.pool, c.account);
    const body = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024)]);
    const res = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, body, { "content-type": "image/jpeg" });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: "file_too_large", message: expect.stringContaining("5 MB") } });
    expect(await footprint(rt.db.pool, c.account)).toEqual(before);
  });

  it("needs a clientEventId", async () => {
    const c = await started();
    const before = await footprint(rt.db.pool, c.account);
    const res = await c.post(`/chat/api/evidence`, PNG, { "content-type": "image/png" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("invalid_client_event_id");
    expect(await footprint(rt.db.pool, c.account)).toEqual(before);
  });
});

describe("rate limits", () => {
  let limited: Runtime;
  beforeAll(async () => {
    limited = await webRuntime({
      limits: { sessionEvents: { max: 3, windowMs: 60_000 }, ipEvents: { max: 5, windowMs: 60_000 }, sessionPolls: { max: 4, windowMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });
  const limitedCitizen = (ip: string) => new WebCitizen(() => limited, ip);

  it("per session: the 4th event in a minute → 429 with Retry-After, and it changes nothing", async () => {
    const c = limitedCitizen("198.51.100.1");
    await c.open();
    for (let i = 0; i < 3; i++) expect((await c.event({ type: i === 0 ? "start" : "text", text: i === 0 ? undefined : "xin chào" })).statusCode).toBe(200);
    await c.replies();
    const before = await footprint(limited.db.pool, c.account);
    const refused = await c.event({ type: "text", text: "một lần nữa" });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(await footprint(limited.db.pool, c.account)).toEqual(before);
    // Uploads count as events too.
    const photo = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, PNG, { "content-type": "image/png" });
    expect(photo.statusCode).toBe(429);
    expect(await footprint(limited.db.pool, c.account)).toEqual(before);
  });

  it("per IP: sessions behind one address share a limit; another address is not affected", async () => {
    const ip = "198.51.100.2";
    const a = limitedCitizen(ip);
    const b = limitedCitizen(ip);
    await a.open();
    await b.open();
    const statuses = [];
    for (const c of [a, b, a, b, a, b]) statuses.push((await c.event({ type: "start" })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const other = limitedCitizen("198.51.100.3");
    await other.open();
    expect((await other.event({ type: "start" })).statusCode).toBe(200);
  });

  it("per session: reading messages too often → 429", async () => {
    const c = limitedCitizen("198.51.100.4");
    await c.open();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.get("/chat/api/messages?after=0")).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});
