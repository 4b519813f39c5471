// The consent promises "kept in the evaluation year and PERSONAL_DATA_YEARS_AFTER years after"; this is
// the deletion behind it. Citizens who used the web chat now (evaluation year Y) are erased by the
// scheduled task from 1 January Y+2 (with 1 year after), in the deployment's time zone, as /delete
// erases them – checked in the tables – while a citizen active in Y+1 and an officer stay. The task runs
// on the shared BullMQ Scheduler with a fake clock. Its own database: the fake clock would otherwise
// reach other test files' citizens.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { migrate, readMigrations } from "../../../server/db/migrate.ts";
import { createLogger } from "../../../server/logger.ts";
import { eraseExpired, expiryTask } from "../../../server/privacy/expiry.ts";
import { createRedis } from "../../../server/redis.ts";
import { expirySettings, type Runtime } from "../../../server/runtime.ts";
import { Scheduler } from "../../../server/schedule/scheduler.ts";
import { addUnit } from "../../support/telegram-runtime.ts";
import { newClientEventId, WebCitizen } from "../../support/web-citizen.ts";
import { webRuntime } from "../../support/web-runtime.ts";
import { waitFor } from "../../support/processes.ts";

const dbName = `${new URL(inject("databaseUrl")).pathname.slice(1)}_expiry_${randomBytes(4).toString("hex")}`;
let admin: pg.Pool;
let rt: Runtime;
let unit: { id: string; code: string };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100)]);

beforeAll(async () => {
  admin = createPool({ url: inject("databaseUrl"), max: 1 });
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${dbName}`;
  const pool = createPool({ url: url.toString(), max: 2 });
  await migrate(pool, await readMigrations());
  await pool.end();
  rt = await webRuntime(
    { limits: { sessionEvents: { max: 1000, windowMs: 60_000 }, ipEvents: { max: 10_000, windowMs: 60_000 } } },
    { DATABASE_URL: url.toString(), TIME_ZONE: "Asia/Ho_Chi_Minh", PERSONAL_DATA_YEARS_AFTER: "1" },
  );
  unit = await addUnit(rt.db.pool, "Xã Hết Hạn");
}, 60_000);
afterAll(async () => {
  await rt?.close();
  await admin?.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin?.end();
});

/** A citizen with a profile, an answer with a photo and a transcript: everything the promise covers. */
async function citizen(name: string) {
  const c = new WebCitizen(() => rt);
  const r = await c.onboardTyped(unit.code, name, "1975");
  await c.tap("a.0", r);
  const res = await c.post(`/chat/api/evidence?clientEventId=${newClientEventId()}`, PNG, { "content-type": "image/png" });
  expect(res.statusCode).toBe(200);
  await c.replies();
  const { rows } = await rt.db.pool.query(`SELECT person_id FROM channel_accounts WHERE channel = 'web' AND external_id = $1`, [c.account]);
  return { c, personId: rows[0].person_id as string };
}

async function traces(account: string, personId: string) {
  const n = async (sql: string, params: unknown[]) => Number((await rt.db.pool.query(sql, params)).rows[0].n);
  return {
    people: await n(`SELECT count(*) AS n FROM people WHERE id = $1`, [personId]),
    linkedAccounts: await n(`SELECT count(*) AS n FROM channel_accounts WHERE person_id = $1`, [personId]),
    statesKept: await n(`SELECT count(*) AS n FROM channel_accounts WHERE external_id = $1 AND state IS NOT NULL`, [account]),
    uploads: await n(`SELECT count(*) AS n FROM web_uploads WHERE web_account = $1`, [account]),
    transcript: await n(`SELECT count(*) AS n FROM outbox WHERE channel = 'web' AND recipient = $1`, [account]),
    assessments: await n(`SELECT count(*) AS n FROM assessments WHERE person_id = $1`, [personId]),
  };
}

describe("personal data past the promised period", () => {
  it("is erased from 1 January of the second year after, by the scheduled task; an active citizen and an officer stay", async () => {
    const year = Number(new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(new Date()));
    const old = await citizen("Lê Thị Cũ");
    const active = await citizen("Phạm Văn Vẫn Dùng");
    const officer = await citizen("Trần Cán Bộ");
    // The active citizen wrote again in the following year; the third is an officer of the unit.
    await rt.db.pool.query(`UPDATE channel_accounts SET last_interaction_at = make_timestamptz($2, 6, 1, 9, 0, 0, 'Asia/Ho_Chi_Minh') WHERE person_id = $1`, [active.personId, year + 1]);
    await rt.db.pool.query(`INSERT INTO officers (person_id, unit_id) VALUES ($1, $2)`, [officer.personId, unit.id]);
    const full = await traces(old.c.account, old.personId);
    expect(full).toMatchObject({ people: 1, linkedAccounts: 1, statesKept: 1, uploads: 1, assessments: 1 });
    expect(full.transcript).toBeGreaterThan(0);
    const { rows: assessment } = await rt.db.pool.query(`SELECT id, year FROM assessments WHERE person_id = $1`, [old.personId]);
    expect(assessment[0].year).toBe(year);

    // The last second of the following year (23:59:59 on 31 December in Việt Nam): still kept.
    const settings = expirySettings(rt.config);
    expect(await eraseExpired(rt.db.pool, settings, new Date(Date.UTC(year + 1, 11, 31, 16, 59, 59)))).toBe(0);
    expect(await traces(old.c.account, old.personId)).toEqual(full);

    // 00:00 on 1 January two years on, as the daily task on the shared scheduler sees it.
    const redis = createRedis(rt.config.redisUrl);
    const scheduler = new Scheduler({ redis, prefix: `${rt.config.redisPrefix}_expiry`, logger: createLogger(rt.config), timeZone: rt.config.timeZone });
    try {
      const fakeNow = new Date(Date.UTC(year + 1, 11, 31, 17, 0, 0));
      await scheduler.register(expiryTask({ pool: rt.db.pool, logger: createLogger(rt.config), settings, every: 200, now: () => fakeNow }));
      await waitFor(async () => (await traces(old.c.account, old.personId)).people === 0, 10_000);
    } finally {
      await scheduler.close();
      redis.disconnect();
    }
    expect(await traces(old.c.account, old.personId)).toEqual({ people: 0, linkedAccounts: 0, statesKept: 0, uploads: 0, transcript: 0, assessments: 0 });
    // The anonymous count stays, without anything personal (as after /delete).
    const { rows: anon } = await rt.db.pool.query(`SELECT person_id, answers, evidence, score, unit_id, year FROM assessments WHERE id = $1`, [assessment[0].id]);
    expect(anon[0]).toEqual({ person_id: null, answers: {}, evidence: {}, score: null, unit_id: unit.id, year });
    const { rows: everything } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM people WHERE full_name = 'Lê Thị Cũ'`);
    expect(everything[0].n).toBe(0);
    const { rows: audit } = await rt.db.pool.query(`SELECT actor_kind, details FROM audit_log WHERE action = 'person.erase'`);
    expect(audit).toEqual([{ actor_kind: "system", details: { reason: "retention", lastYear: year } }]);

    // Active in the following year, or an officer: kept whole.
    for (const kept of [active, officer]) {
      expect(await traces(kept.c.account, kept.personId)).toMatchObject({ people: 1, linkedAccounts: 1, statesKept: 1, uploads: 1, assessments: 1 });
    }
    // The erased citizen who comes back starts anew: asked for consent, nothing of the old data shown.
    await old.c.event({ type: "start" });
    const again = await old.c.replies();
    expect(again.map((m) => m.title).join(" ")).toMatch(/Đồng ý cho lưu thông tin/);
    expect(JSON.stringify(await old.c.state())).not.toMatch(/Lê Thị Cũ|web-upload/);
  }, 60_000);
});
