// Uploads only when asked, and bounded (issue 15 item 4): before, 15 MB were stored from 3 requests at
// the consent step. A photo is stored only at a question that takes evidence (or the evidence step),
// within the caps per account and per assessment (WEB_UPLOADS_* settings); refusals are a 409 in the
// one error shape and store nothing. Before consent the engine answers (privacy.test.ts), nothing stored.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneOnce } from "../../../../server/maintenance/retention.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { addUnit } from "../../../support/telegram-runtime.ts";
import { footprint, newClientEventId, WebCitizen } from "../../../support/web-citizen.ts";
import { webRuntime } from "../../../support/web-runtime.ts";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
let rt: Runtime;
let unit: { code: string };
beforeAll(async () => {
  rt = await webRuntime(
    { limits: { sessionEvents: { max: 1000, windowMs: 60_000 }, ipEvents: { max: 10_000, windowMs: 60_000 }, sessionUploads: { max: 100, windowMs: 60_000 } } },
    { WEB_UPLOADS_PER_ASSESSMENT: "2", WEB_UPLOADS_PER_ACCOUNT: "3" },
  );
  unit = await addUnit(rt.db.pool, "Xã Ảnh Giới Hạn");
});
afterAll(async () => {
  await rt?.close();
});

const photo = (c: WebCitizen, id = newClientEventId()) => c.post(`/chat/api/evidence?clientEventId=${id}`, PNG, { "content-type": "image/png" });
const uploads = async (c: WebCitizen) => (await footprint(rt.db.pool, c.account)).uploads;

/** A citizen past consent and profile, at Chỉ số 1's plan question (which takes no photo). */
async function atPlanQuestion() {
  const c = new WebCitizen(() => rt);
  const r = await c.onboardTyped(unit.code, "Nguyễn Văn Ảnh");
  expect((await c.state())!.step).toMatchObject({ kind: "question" });
  return { c, r };
}

describe("web chat uploads", () => {
  it("at a step that asks for no photo: 409 not_expected, nothing stored, the conversation unchanged", async () => {
    const { c } = await atPlanQuestion();
    const state = await c.state();
    for (let i = 0; i < 3; i++) {
      const res = await photo(c);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ error: { code: "not_expected", message: expect.stringMatching(/no photo is asked/i) } });
    }
    expect(await uploads(c)).toBe(0);
    expect(await c.state()).toEqual(state);
    expect((await rt.db.pool.query(`SELECT count(*)::int AS n FROM web_uploads WHERE web_account = $1`, [c.account])).rows[0].n).toBe(0);
  });

  it("at the question that takes evidence: stored, up to the cap per assessment (409 upload_quota after)", async () => {
    const { c, r } = await atPlanQuestion();
    await c.tap("a.0", r);
    expect((await c.state())!.step).toMatchObject({ kind: "question", qid: "learn_hours" });
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    // A retry of a stored photo is not a new one: the pipeline answers "duplicate", nothing more stored.
    const id = newClientEventId();
    expect((await photo(c, id)).statusCode).toBe(200);
    await c.replies();
    expect((await photo(c, id)).json()).toEqual({ status: "duplicate" });
    expect(await uploads(c)).toBe(2);
    const third = await photo(c);
    expect(third.statusCode).toBe(409);
    expect(third.json().error.code).toBe("upload_quota");
    const { rows } = await rt.db.pool.query(`SELECT count(*)::int AS n, sum(size)::int AS bytes FROM web_uploads WHERE web_account = $1`, [c.account]);
    expect(rows[0]).toEqual({ n: 2, bytes: 2 * PNG.length });
    expect(JSON.stringify((await c.state())!.assessment!.evidence).match(/web-upload:/g)).toHaveLength(2);
  });

  it("the cap per account counts every upload of the account, across assessments", async () => {
    const { c, r } = await atPlanQuestion();
    await c.tap("a.0", r);
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    // Two earlier uploads of this account (say, of a withdrawn assessment): three in all.
    await rt.db.pool.query(
      `INSERT INTO web_uploads (web_account, client_event_id, content_type, size, sha256, data, created_at)
       SELECT $1, 'earlier-' || g, 'image/png', 3, 'x', '\\x010203', now() - interval '30 days' FROM generate_series(1, 2) g`,
      [c.account],
    );
    const refused = await photo(c);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("upload_quota");
    expect(await uploads(c)).toBe(3);
  });

  it("photos nothing refers to are pruned after WEB_UPLOAD_ORPHAN_HOURS; photos in the conversation stay", async () => {
    const { c, r } = await atPlanQuestion();
    await c.tap("a.0", r);
    expect((await photo(c)).statusCode).toBe(200);
    await c.replies();
    const { rows: kept } = await rt.db.pool.query(`SELECT id FROM web_uploads WHERE web_account = $1`, [c.account]);
    expect(kept).toHaveLength(1);
    // An upload the engine never took (say, its transaction failed after the insert), and a recent one.
    const orphan = async (id: string, age: string) =>
      (await rt.db.pool.query(
        `INSERT INTO web_uploads (web_account, client_event_id, content_type, size, sha256, data, created_at)
         VALUES ($1, $2, 'image/png', 3, 'x', '\\x010203', now() - $3::interval) RETURNING id`,
        [c.account, id, age],
      )).rows[0].id as string;
    const old = await orphan("orphan-old", "25 hours");
    const recent = await orphan("orphan-recent", "1 hour");
    await rt.db.pool.query(`UPDATE web_uploads SET created_at = now() - interval '3 days' WHERE id = $1`, [kept[0].id]);

    const pruned = await pruneOnce(rt.db.pool, { ...rt.config.retention, orphanUploadHours: rt.config.webUploads.orphanHours });
    expect(pruned.webUploads).toBeGreaterThanOrEqual(1);
    const { rows: left } = await rt.db.pool.query(`SELECT id FROM web_uploads WHERE web_account = $1 ORDER BY created_at`, [c.account]);
    expect(left.map((x) => x.id)).toEqual([kept[0].id, recent]);
    expect(left.map((x) => x.id)).not.toContain(old);
  });
});
