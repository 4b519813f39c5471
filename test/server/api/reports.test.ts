// Reports of a year rolled up the unit tree against targets, weekly progress, and the dossier's
// exports (XLSX with a summary sheet and one sheet per unit, CSV), read back as a user would; charts
// (test-output/chart-*.png).
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
let rt: Runtime;
const P = uniquePrefix();
const [T, A, A1, B] = ["T", "A", "A1", "B"].map((s) => `${P}-${s}`) as [string, string, string, string];

async function assessments(code: string, n: number, status: string, group: string, year = 2025, submitted = "2025-03-05T03:00:00Z", decided = "2025-03-12T03:00:00Z") {
  await rt.db.pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, submitted_at, decided_at)
     SELECT NULL, (SELECT id FROM units WHERE code = $1), $2::target_group, 'cdht-resident', '1', $3, $4::assessment_status,
            CASE WHEN $4 = 'in_progress' THEN NULL ELSE $5::timestamptz END, CASE WHEN $4 = 'confirmed' THEN $6::timestamptz END
       FROM generate_series(1, $7)`,
    [code, group, year, status, submitted, decided, n],
  );
}

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, T, "province");
  await insertUnit(rt.db.pool, A, "commune", T, 100);
  await insertUnit(rt.db.pool, A1, "village", A, 40);
  await insertUnit(rt.db.pool, B, "commune", T, 50);
  await assessments(A, 10, "confirmed", "resident");
  await assessments(A, 2, "submitted", "worker");
  await assessments(A, 3, "in_progress", "resident");
  await assessments(A, 1, "withdrawn", "resident");
  await assessments(A1, 30, "confirmed", "resident", 2025, "2025-03-20T03:00:00Z", "2025-03-21T03:00:00Z");
  await assessments(B, 45, "confirmed", "worker");
  await assessments(B, 7, "confirmed", "worker", 2024);
  await rt.db.pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent, members) SELECT id, 2025, 'resident', 30, 80 FROM units WHERE code = $1`, [A]);
  await rt.db.pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent) SELECT id, 2025, 'worker', 95 FROM units WHERE code = $1`, [B]);
});
afterAll(async () => {
  await rt?.close();
});

const get = (url: string) => rt.app.inject({ method: "GET", url, headers: admin });

describe("reports", () => {
  it("roll figures up the tree, with shares against targets and learning-unit eligibility", async () => {
    const res = await get(`/api/v1/reports?unit=${T}&year=2025`);
    expect(res.statusCode).toBe(200);
    const units = res.json().units as { code: string; depth: number; members: number; started: number; submitted: number; confirmed: number; share: number; targetPercent: number | null; meetsTarget: boolean | null; learningUnit: boolean; groups: { targetGroup: string; confirmed: number; members: number | null; share: number | null; targetPercent: number | null; meetsTarget: boolean | null }[] }[];
    expect(units.map((u) => `${u.depth}:${u.code}`)).toEqual([`0:${T}`, `1:${A}`, `2:${A1}`, `1:${B}`]);
    const by = Object.fromEntries(units.map((u) => [u.code, u]));
    expect(by[A1]).toMatchObject({ members: 40, started: 30, submitted: 30, confirmed: 30, share: 0.75, learningUnit: false });
    expect(by[A]).toMatchObject({ members: 100, started: 45, submitted: 42, confirmed: 40, share: 0.4, targetPercent: 30, learningUnit: false });
    expect(by[A]!.groups.find((g) => g.targetGroup === "resident")).toMatchObject({ confirmed: 40, members: 80, share: 0.5, targetPercent: 30, meetsTarget: true });
    expect(by[B]).toMatchObject({ members: 50, confirmed: 45, share: 0.9, learningUnit: true, targetPercent: 95, meetsTarget: false });
    expect(by[T]).toMatchObject({ members: 150, started: 90, confirmed: 85, targetPercent: null });
    const y2024 = await get(`/api/v1/reports?unit=${B}&year=2024`);
    expect(y2024.json().units[0]).toMatchObject({ confirmed: 7 });
  });

  it("show weekly progress, cumulative", async () => {
    const res = await get(`/api/v1/reports/weekly?unit=${A}&year=2025`);
    expect(res.statusCode).toBe(200);
    expect(res.json().weeks).toEqual([
      { week: "2025-03-03", submitted: 12, confirmed: 0, cumulativeSubmitted: 12, cumulativeConfirmed: 0 },
      { week: "2025-03-10", submitted: 0, confirmed: 10, cumulativeSubmitted: 12, cumulativeConfirmed: 10 },
      { week: "2025-03-17", submitted: 30, confirmed: 30, cumulativeSubmitted: 42, cumulativeConfirmed: 40 },
    ]);
  });

  it("refuse a bad year or unit with 4xx", async () => {
    expect((await get(`/api/v1/reports?unit=${A}&year=abc`)).statusCode).toBe(400);
    expect((await get(`/api/v1/reports?unit=NOPE-NOPE&year=2025`)).statusCode).toBe(404);
    expect((await get(`/api/v1/exports/report.xlsx?unit=NOPE-NOPE`)).json().error.code).toBe("unit_not_found");
  });
});

describe("exports", () => {
  it("write the dossier workbook: a summary sheet and one sheet per unit with its assessments", async () => {
    const res = await get(`/api/v1/exports/report.xlsx?unit=${T}&year=2025`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toContain(`bang-tong-hop-${T}-2025.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Tổng hợp", T, A, A1, B, "Hiệu quả chiến dịch"]);
    const summary = wb.worksheets[0]!;
    expect(summary.getRow(1).getCell(1).value).toContain("2025");
    expect(summary.getRow(2).values).toContain("Đã xác nhận");
    const rowA = summary.getRow(4).values as unknown[];
    expect(rowA.slice(1, 11)).toEqual([A, `  Đơn vị ${A}`, T, 100, 45, 42, 40, 40, 30, "Không"]);
    const sheetB = wb.getWorksheet(B)!;
    expect(sheetB.rowCount).toBe(2 + 45);
    expect(sheetB.getRow(3).getCell(4).value).toBe("confirmed");
  });

  it("write CSV: the summary and every assessment, one line each", async () => {
    const summary = await get(`/api/v1/exports/summary.csv?unit=${T}&year=2025`);
    expect(summary.headers["content-type"]).toContain("text/csv");
    const lines = summary.body.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe(`${A1},    Đơn vị ${A1},${A},40,30,30,30,75,,Không`);
    const all = await get(`/api/v1/exports/assessments.csv?unit=${A}&year=2025`);
    expect(all.body.trim().split("\r\n")).toHaveLength(1 + 16 + 30);
  });
});

describe("charts", () => {
  it("draw the units against their target and the weekly progress, as SVG and PNG", async () => {
    const svg = await get(`/api/v1/charts/targets?unit=${T}&year=2025`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toContain("image/svg+xml");
    expect(svg.body).toContain(`Đơn vị ${A}`);
    expect(svg.body).toContain(`Đơn vị ${B}`);
    expect(svg.body).not.toContain(`Đơn vị ${A1}`); // only the units directly below
    expect(svg.body).toContain("Chỉ tiêu");
    const png = await get(`/api/v1/charts/weekly?unit=${A}&year=2025&format=png`);
    expect(png.statusCode).toBe(200);
    expect(png.rawPayload.subarray(1, 4).toString()).toBe("PNG");
    const weekly = await get(`/api/v1/charts/weekly?unit=${A}&year=2025&lang=en`);
    expect(weekly.body).toContain("Confirmed in total");
    expect(weekly.body).toContain("03-17");
    await mkdir(OUTPUT, { recursive: true });
    await writeFile(`${OUTPUT}chart-weekly.png`, png.rawPayload);
    await writeFile(`${OUTPUT}chart-targets.png`, (await get(`/api/v1/charts/targets?unit=${T}&year=2025&format=png`)).rawPayload);
  });
});
