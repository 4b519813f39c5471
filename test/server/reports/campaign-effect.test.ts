// Campaign effect per unit on seeded data: people a campaign messaged against those it did not, counted
// within N days after the message (the not-messaged from the first campaign message), rolled up the
// tree, for every campaign or one; through the report API, the CSV and XLSX exports and the chart
// (test-output/chart-campaign-effect.png).
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateDefinition } from "../../../server/campaigns/definition.ts";
import { createCampaign } from "../../../server/campaigns/store.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
let rt: Runtime;
const P = uniquePrefix();
const [T, A, B] = ["T", "A", "B"].map((s) => `${P}-${s}`) as [string, string, string];
/** A year no other test file seeds, so "every campaign of the year" means this file's two. */
const YEAR = 2031;
const F = Date.parse("2031-05-01T03:00:00Z");
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
let c1 = "";
let c2 = "";

async function person(unit: string, options: { erased?: boolean } = {}): Promise<string> {
  const { rows } = await rt.db.pool.query<{ id: string }>(
    `INSERT INTO people (full_name, unit_id, erased_at) SELECT 'Người dân', id, $2 FROM units WHERE code = $1 RETURNING id`,
    [unit, options.erased ? new Date() : null],
  );
  return rows[0]!.id;
}

/** A campaign of this file's units through the campaigns module, finished (so no tick in any test process takes it up). */
async function campaign(name: string, year = YEAR): Promise<string> {
  const d = validateDefinition({
    name, year, from: `${year}-05-01`, to: `${year}-05-31`, window: { start: "08:00", end: "20:00" },
    audience: { units: [T] }, rounds: [{ day: 1, message: { vi: "Kính gửi {{address}} {{name}}" } }],
  });
  if (!d.ok) throw new Error(d.message);
  const c = await createCampaign(rt.db.pool, d.value);
  if (!c.ok) throw new Error(c.message);
  await rt.db.pool.query(`UPDATE campaigns SET status = 'finished' WHERE id = $1`, [c.value.id]);
  return c.value.id;
}

async function message(campaignId: string, personId: string, when: number, status = "queued"): Promise<void> {
  await rt.db.pool.query(
    `INSERT INTO campaign_recipients (campaign_id, round, person_id, status, queued_at) VALUES ($1, 1, $2, $3::campaign_recipient_status, $4)`,
    [campaignId, personId, status, status === "queued" ? at(when) : null],
  );
}

/** An assessment of the year started at `started` (and submitted / confirmed at the given times). */
async function assessment(personId: string, unit: string, started: number, submitted?: number, confirmed?: number): Promise<void> {
  const status = confirmed ? "confirmed" : submitted ? "submitted" : "in_progress";
  await rt.db.pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, started_at, submitted_at, decided_at)
     SELECT $1, id, 'resident', 'cdht-resident', '1', $3, $4::assessment_status, $5, $6, $7 FROM units WHERE code = $2`,
    [personId, unit, YEAR, status, at(started), submitted ? at(submitted) : null, confirmed ? at(confirmed) : null],
  );
}

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, T, "province");
  await insertUnit(rt.db.pool, A, "commune", T, 100);
  await insertUnit(rt.db.pool, B, "commune", T, 100);
  c1 = await campaign("Tuần lễ học tập");
  c2 = await campaign("Nhắc lại");
  const old = await campaign("Năm trước", YEAR - 1);

  // Commune A: ten people messaged by c1 at F. Six start two days later, four of them submit on day 5,
  // two are confirmed on day 6; one more starts on day 20 (outside 14 days).
  for (let i = 0; i < 10; i++) {
    const p = await person(A);
    await message(c1, p, F);
    if (i < 6) await assessment(p, A, F + 2 * DAY, i < 4 ? F + 5 * DAY : undefined, i < 2 ? F + 6 * DAY : undefined);
    if (i === 6) await assessment(p, A, F + 20 * DAY);
  }
  // … and ten not messaged: two start on day 3 (one submits on day 4), one started before the campaign,
  // one was skipped by c1 (not messaged) and messaged by last year's campaign only.
  for (let i = 0; i < 10; i++) {
    const p = await person(A);
    if (i < 2) await assessment(p, A, F + 3 * DAY, i === 0 ? F + 4 * DAY : undefined);
    if (i === 2) await assessment(p, A, F - 30 * DAY);
    if (i === 3) {
      await message(c1, p, F, "skipped");
      await message(old, p, F - 365 * DAY);
    }
  }
  // An erased person counts nowhere.
  const erased = await person(A, { erased: true });
  await message(c1, erased, F);
  await assessment(erased, A, F + DAY);

  // Commune B: four messaged by c1 a day later (one starts an hour after), two messaged by c2 on day 10
  // (one starts on day 11), two never messaged (one starts on day 2).
  for (let i = 0; i < 4; i++) {
    const p = await person(B);
    await message(c1, p, F + DAY);
    if (i === 0) await assessment(p, B, F + DAY + 3_600_000);
  }
  for (let i = 0; i < 2; i++) {
    const p = await person(B);
    await message(c2, p, F + 10 * DAY);
    if (i === 0) await assessment(p, B, F + 11 * DAY);
  }
  for (let i = 0; i < 2; i++) {
    const p = await person(B);
    if (i === 0) await assessment(p, B, F + 2 * DAY);
  }
});
afterAll(async () => {
  await rt?.close();
});

const get = (url: string) => rt.app.inject({ method: "GET", url, headers: admin });
type Fig = { people: number; started: number; submitted: number; confirmed: number; startedShare: number | null };
type Effect = { days: number; firstMessageAt: string | null; campaign: { id: string; name: string } | null; units: { code: string; depth: number; messaged: Fig; notMessaged: Fig }[] };
const byCode = (e: Effect) => Object.fromEntries(e.units.map((u) => [u.code, u]));
const counts = (f: Fig) => [f.people, f.started, f.submitted, f.confirmed];

describe("campaign effect", () => {
  it("compares messaged and not messaged people per unit within 14 days, rolled up the tree", async () => {
    const res = await get(`/api/v1/reports/campaign-effect?unit=${T}&year=${YEAR}`);
    expect(res.statusCode).toBe(200);
    const e = res.json() as Effect;
    expect(e).toMatchObject({ days: 14, campaign: null, firstMessageAt: at(F) });
    expect(e.units.map((u) => `${u.depth}:${u.code}`)).toEqual([`0:${T}`, `1:${A}`, `1:${B}`]);
    const u = byCode(e);
    expect(counts(u[A]!.messaged)).toEqual([10, 6, 4, 2]);
    expect(u[A]!.messaged.startedShare).toBe(0.6);
    expect(counts(u[A]!.notMessaged)).toEqual([10, 2, 1, 0]);
    expect(counts(u[B]!.messaged)).toEqual([6, 2, 0, 0]);
    expect(counts(u[B]!.notMessaged)).toEqual([2, 1, 0, 0]);
    expect(counts(u[T]!.messaged)).toEqual([16, 8, 4, 2]);
    expect(counts(u[T]!.notMessaged)).toEqual([12, 3, 1, 0]);
    // The whole province (aggregated in bulk rather than looked up per person) gives the same figures.
    const all = byCode((await get(`/api/v1/reports/campaign-effect?year=${YEAR}`)).json() as Effect);
    for (const code of [T, A, B]) expect([counts(all[code]!.messaged), counts(all[code]!.notMessaged)]).toEqual([counts(u[code]!.messaged), counts(u[code]!.notMessaged)]);
  });

  it("narrows to one campaign and to a shorter window", async () => {
    const one = (await get(`/api/v1/reports/campaign-effect?unit=${T}&year=${YEAR}&campaign=${c1}`)).json() as Effect;
    expect(one.campaign).toEqual({ id: c1, name: "Tuần lễ học tập" });
    // c2's two people of B are now "not messaged", counted from c1's first message.
    expect(counts(byCode(one)[B]!.messaged)).toEqual([4, 1, 0, 0]);
    expect(counts(byCode(one)[B]!.notMessaged)).toEqual([4, 2, 0, 0]);
    const short = (await get(`/api/v1/reports/campaign-effect?unit=${A}&year=${YEAR}&days=1`)).json() as Effect;
    expect(counts(byCode(short)[A]!.messaged)).toEqual([10, 0, 0, 0]);
    const none = (await get(`/api/v1/reports/campaign-effect?unit=${A}&year=${YEAR + 5}`)).json() as Effect;
    expect(none.firstMessageAt).toBeNull();
    expect(counts(byCode(none)[A]!.messaged)).toEqual([0, 0, 0, 0]);
    expect(counts(byCode(none)[A]!.notMessaged)).toEqual([20, 0, 0, 0]);
  });

  it("refuses bad parameters with 4xx", async () => {
    expect((await get(`/api/v1/reports/campaign-effect?unit=${A}&days=0`)).statusCode).toBe(400);
    expect((await get(`/api/v1/reports/campaign-effect?unit=${A}&days=abc`)).statusCode).toBe(400);
    expect((await get(`/api/v1/reports/campaign-effect?unit=${A}&campaign=nope`)).statusCode).toBe(400);
    const unknown = await get(`/api/v1/reports/campaign-effect?unit=${A}&campaign=00000000-0000-4000-8000-000000000000`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("campaign_not_found");
  });

  it("is in the CSV export and as a sheet of the dossier's workbook", async () => {
    const csv = await get(`/api/v1/exports/campaign-effect.csv?unit=${T}&year=${YEAR}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toContain("Được nhắn: Số người");
    expect(lines.find((l) => l.startsWith(`${A},`))).toBe(`${A},  Đơn vị ${A},10,6,60,4,40,2,20,10,2,20,1,10,0,0`);

    const xlsx = await get(`/api/v1/exports/report.xlsx?unit=${T}&year=${YEAR}`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Hiệu quả chiến dịch")!;
    expect(sheet).toBeDefined();
    expect(String(sheet.getRow(1).getCell(1).value)).toContain(`${YEAR}`);
    const rowA = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(1).value === A)!;
    expect([3, 4, 6, 8].map((c) => rowA.getCell(c).value)).toEqual([10, 6, 4, 2]);
    expect([10, 11].map((c) => rowA.getCell(c).value)).toEqual([10, 2]);
  });

  it("is drawn as a chart, SVG or PNG", async () => {
    const svg = await get(`/api/v1/charts/campaign-effect?unit=${T}&year=${YEAR}`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toContain("image/svg+xml");
    expect(svg.body).toContain("Bắt đầu – được nhắn");
    expect(svg.body).toContain(`Đơn vị ${A}`);
    expect(svg.body).toContain("60%");
    const png = await get(`/api/v1/charts/campaign-effect?unit=${T}&year=${YEAR}&format=png&lang=en`);
    expect(png.statusCode).toBe(200);
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.rawPayload.subarray(1, 4).toString()).toBe("PNG");
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(`${OUTPUT}chart-campaign-effect.png`, png.rawPayload);
  });
});
