// Promises to a citizen, checked in the tables: /delete ("Có, xoá hết") erases the web uploads, the
// chat transcript the web page reads back, the profile and the evidence references, in the same
// transaction; a photo sent before consent, or right after /delete, is refused and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { addUnit } from "../../support/telegram-runtime.ts";
import { newClientEventId, WebCitizen, type WebReply } from "../../support/web-citizen.ts";
import { webRuntime } from "../../support/web-runtime.ts";

let rt: Runtime;
let unit: { id: string; code: string };

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  rt = await webRuntime({ limits: { sessionEvents: { max: 1000, windowMs: 60_000 }, ipEvents: { max: 10_000, windowMs: 60_000 } } });
  unit = await addUnit(rt.db.pool, "Xã Thử Quyền Riêng Tư");
});
afterAll(async () => {
  await rt?.close();
});

async function photo(c: WebCitizen): Promise<WebReply[]> {
  const res = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, PNG, { "content-type": "image/png" });
  expect(res.statusCode).toBe(200);
  return c.replies();
}

const count = async (sql: string, params: unknown[]) => Number((await rt.db.pool.query(sql, params)).rows[0].n);

describe("a photo before consent", () => {
  it("is refused with a clear message and nothing is stored", async () => {
    const c = new WebCitizen(() => rt, "203.0.113.50");
    await c.open();
    await c.event({ type: "start" });
    await c.replies();
    const replies = await photo(c);
    expect(replies[0]!.text).toMatch(/chưa lưu ảnh này/);
    expect(await count(`SELECT count(*) AS n FROM web_uploads WHERE web_account = $1`, [c.account])).toBe(0);
    expect(JSON.stringify((await c.state())?.assessment ?? null)).not.toContain("web-upload");
  });
});

describe("/delete", () => {
  it("erases uploads, transcript, profile and evidence in the database; a photo right after is refused", async () => {
    const c = new WebCitizen(() => rt, "203.0.113.51");
    await c.open();
    await c.event({ type: "start" });
    let r = await c.replies();
    r = await c.tap("c.y", r);
    r = await c.tap("g.0", r); // worker
    r = await c.say(unit.code);
    r = await c.say("K'Sor Thị Hoa");
    r = await c.say("1980");
    r = await c.tap("a.0", r); // Chỉ số 1: a learning plan
    r = await c.say("khoảng 40 giờ"); // learn_hours asks for evidence
    r = await c.tap("e.y", r);
    r = await photo(c);
    expect(r.map((m) => m.text).join("\n")).toMatch(/đã nhận 1 ảnh/i);
    const { rows: before } = await rt.db.pool.query(
      `SELECT p.id, a.evidence FROM people p JOIN assessments a ON a.person_id = p.id WHERE p.full_name = $1`,
      ["K'Sor Thị Hoa"],
    );
    expect(before).toHaveLength(1);
    const personId = before[0].id as string;
    expect(JSON.stringify(before[0].evidence)).toContain("web-upload:");
    expect(await count(`SELECT count(*) AS n FROM web_uploads WHERE web_account = $1`, [c.account])).toBe(1);
    const lastBefore = c.last;

    r = await c.say("XÓA");
    r = await c.tap("x.y", r);
    expect(r.map((m) => m.text).join("\n")).toMatch(/đã xoá toàn bộ thông tin/);

    // In the tables: no upload, no person, no evidence reference, no transcript before the erasure.
    expect(await count(`SELECT count(*) AS n FROM web_uploads WHERE web_account = $1`, [c.account])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM people WHERE id = $1`, [personId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM people WHERE full_name = $1`, ["K'Sor Thị Hoa"])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM assessments WHERE person_id = $1`, [personId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM assessments WHERE evidence::text LIKE '%web-upload%' AND unit_id = $1`, [unit.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE channel = 'web' AND recipient = $1 AND id <= $2::bigint`, [c.account, lastBefore])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE payload::text LIKE '%K''Sor%'`, [])).toBe(0);
    const { rows: account } = await rt.db.pool.query(`SELECT person_id, state FROM channel_accounts WHERE channel = 'web' AND external_id = $1`, [c.account]);
    expect(account[0].person_id).toBeNull();
    expect(JSON.stringify(account[0].state)).not.toMatch(/K'Sor|web-upload|1980/);

    // Reloading the page shows only the confirmation, not the old conversation.
    const reload = await c.get("/chat/api/messages?after=0");
    const shown = (reload.json() as { messages: WebReply[] }).messages.map((m) => m.text).join("\n");
    expect(shown).toMatch(/đã xoá toàn bộ thông tin/);
    expect(shown).not.toMatch(/K'Sor|Cảm ơn|Đơn vị:/);

    // A photo right after /delete, while consent is being asked again: refused, nothing stored.
    const again = await photo(c);
    expect(again[0]!.text).toMatch(/chưa lưu ảnh này/);
    expect(await count(`SELECT count(*) AS n FROM web_uploads WHERE web_account = $1`, [c.account])).toBe(0);
  });
});
