// Uploads only when asked, and bounded: the web chat stores a photo only at a step that can take one
// (before, 15 MB were stored from 3 requests at the consent step), within a quota per account and per
// assessment; and photos nothing refers to are pruned a day later.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TARGET_GROUPS } from "../../../../bot/engine/index.ts";
import { pruneOnce } from "../../../../server/maintenance/retention.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { addUnit } from "../../../support/telegram-runtime.ts";
import { footprint, newClientEventId, WebCitizen } from "../../../support/web-citizen.ts";
import { webRuntime } from "../../../support/web-runtime.ts";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
let rt: Runtime;
let unit: { code: string };
beforeAll(async () => {
  rt = await webRuntime({ uploadQuota: { perAccount: { count: 3, bytes: 10_000_000 }, perAssessment: { count: 2, bytes: 10_000_000 } } });
  unit = await addUnit(rt.db.pool, "Xã Ảnh");
});
afterAll(async () => {
  await rt?.close();
});

const photo = (c: WebCitizen) => c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, PNG, { "content-type": "image/png" });

/** A citizen at the question that takes evidence. */
async function atEvidenceQuestion() {
  const c = new WebCitizen(() => rt);
  await c.open();
  await c.event({ type: "start" });
  let r = await c.replies();
  r = await c.tap("c.y", r);
  r = await c.tap(`g.${TARGET_GROUPS.indexOf("worker")}`, r);
  await c.say(unit.code);
  await c.say("Nguyễn Văn Ảnh");
  r = await c.say("1980");
  await c.tap("a.0", r);
  expect((await c.state())!.step).toMatchObject({ kind: "question", qid: "learn_hours" });
  return c;
}

describe("web chat uploads", () => {
  it("are refused (409) at a step that takes no photo, and nothing is stored", async () => {
    const c = new WebCitizen(() => rt);
    await c.open();
    await c.event({ type: "start" });
    await c.replies();
    for (let i = 0; i < 3; i++) {
      const res = await photo(c);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe("not_expected");
    }
    expect((await footprint(rt.db.pool, c.account)).uploads).toBe(0);
  });

  it("are accepted at a question that takes evidence, up to the quota per assessment", async () => {
    const c = await atEvidenceQuestion();
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    const third = await photo(c);
    expect(third.statusCode).toBe(409);
    expect(third.json().error.code).toBe("upload_quota");
    expect((await footprint(rt.db.pool, c.account)).uploads).toBe(2);
  });

  it("nothing refers to a photo a day later: pruned; referenced ones stay", async () => {
    const c = await atEvidenceQuestion();
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    const { rows: kept } = await rt.db.pool.query(`SELECT id FROM web_uploads WHERE web_account = $1`, [c.account]);
    const { rows: orphan } = await rt.db.pool.query(
      `INSERT INTO web_uploads (web_account, client_event_id, content_type, size, sha256, data)
       VALUES ($1, 'orphan-upload-1', 'image/png', 3, 'x', '\\x010203') RETURNING id`,
      [c.account],
    );
    await rt.db.pool.query(`UPDATE web_uploads SET created_at = now() - interval '2 days' WHERE web_account = $1`, [c.account]);
    const pruned = await pruneOnce(rt.db.pool, { inboundDays: 30, outboxDays: 180 });
    expect(pruned.webUploads).toBeGreaterThanOrEqual(1);
    const { rows: left } = await rt.db.pool.query(`SELECT id FROM web_uploads WHERE web_account = $1`, [c.account]);
    expect(left.map((r) => r.id)).toEqual(kept.map((r) => r.id));
    expect(left.map((r) => r.id)).not.toContain(orphan[0].id);
  });
});
