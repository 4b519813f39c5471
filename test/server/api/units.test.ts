// Units as a tree through the admin API: create, edit, move (no cycles), list, targets, bulk import with
// a dry run that changes nothing, and QR posters. Every change is in the audit log.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const P = uniquePrefix();

beforeAll(async () => {
  rt = await adminRuntime({ TELEGRAM_BOT_USERNAME: "cdht_test_bot", ZALO_OA_ID: "1234567890" });
});
afterAll(async () => {
  await rt?.close();
});

const post = (url: string, payload: unknown) => rt.app.inject({ method: "POST", url, headers: admin, payload: payload as object });
const snapshot = async () => (await rt.db.pool.query(`SELECT code, name, kind, parent_id, member_count FROM units ORDER BY code`)).rows;
const auditCount = async () => (await rt.db.pool.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n as number;

describe("units", () => {
  it("are created as a tree and listed depth-first; kinds must fit their parent", async () => {
    expect((await post("/api/v1/units", { code: `${P}-tinh`, name: "Tỉnh Thử", kind: "province" })).statusCode).toBe(201);
    const xa = await post("/api/v1/units", { code: `${P}-xa`, name: "Xã An Bình", kind: "commune", parentCode: `${P}-TINH`, memberCount: 1000 });
    expect(xa.statusCode).toBe(201);
    expect(xa.json()).toMatchObject({ code: `${P}-XA`, kind: "commune", parentCode: `${P}-TINH`, memberCount: 1000 });
    expect((await post("/api/v1/units", { code: `${P}-thon1`, name: "Thôn 1", kind: "village", parentCode: `${P}-XA` })).statusCode).toBe(201);
    expect((await post("/api/v1/units", { code: `${P}-truong`, name: "Trường THCS", kind: "school", parentCode: `${P}-XA` })).statusCode).toBe(201);

    const wrong = await post("/api/v1/units", { code: `${P}-thon2`, name: "Thôn 2", kind: "village", parentCode: `${P}-TINH` });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe("kind_not_allowed");
    const dup = await post("/api/v1/units", { code: `${P}-xa`, name: "Khác", kind: "commune" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("code_taken");
    const orphan = await post("/api/v1/units", { code: `${P}-x9`, name: "Khác", kind: "village", parentCode: "NOWHERE" });
    expect(orphan.statusCode).toBe(404);

    const list = await rt.app.inject({ method: "GET", url: `/api/v1/units?root=${P}-TINH`, headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().units.map((u: { code: string; depth: number }) => `${u.depth}:${u.code}`)).toEqual([
      `0:${P}-TINH`, `1:${P}-XA`, `2:${P}-THON1`, `2:${P}-TRUONG`,
    ]);
    const { rows } = await rt.db.pool.query(`SELECT action, actor_kind FROM audit_log WHERE details->>'code' = $1`, [`${P}-XA`]);
    expect(rows).toEqual([{ action: "unit.create", actor_kind: "admin" }]);
  });

  it("are edited and moved, never under themselves or their descendants", async () => {
    const patched = await rt.app.inject({ method: "PATCH", url: `/api/v1/units/${P}-THON1`, headers: admin, payload: { name: "Thôn Một", memberCount: 120 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: "Thôn Một", memberCount: 120 });
    const kindClash = await rt.app.inject({ method: "PATCH", url: `/api/v1/units/${P}-XA`, headers: admin, payload: { kind: "school" } });
    expect(kindClash.statusCode).toBe(422);

    await post("/api/v1/units", { code: `${P}-phuong`, name: "Phường Hai", kind: "ward", parentCode: `${P}-TINH` });
    const moved = await post(`/api/v1/units/${P}-THON1/move`, { parentCode: `${P}-PHUONG` });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().parentCode).toBe(`${P}-PHUONG`);

    const before = await snapshot();
    const cycle = await post(`/api/v1/units/${P}-TINH/move`, { parentCode: `${P}-TINH` });
    expect(cycle.statusCode).toBe(422);
    const under = await post(`/api/v1/units/${P}-XA/move`, { parentCode: `${P}-TRUONG` });
    expect(under.statusCode).toBe(422);
    expect(await snapshot()).toEqual(before);
  });

  it("have targets per year and target group", async () => {
    const put = await rt.app.inject({
      method: "PUT", url: `/api/v1/units/${P}-XA/targets`, headers: admin,
      payload: { targets: [{ year: 2025, targetGroup: "resident", percent: 40 }, { year: 2025, targetGroup: "worker", percent: 60, members: 200 }] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().targets).toEqual([
      { year: 2025, targetGroup: "worker", percent: 60, members: 200 },
      { year: 2025, targetGroup: "resident", percent: 40, members: null },
    ]);
    const bad = await rt.app.inject({ method: "PUT", url: `/api/v1/units/${P}-XA/targets`, headers: admin, payload: { targets: [{ year: 2025, targetGroup: "resident", percent: 140 }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("bad_request");
    const got = await rt.app.inject({ method: "GET", url: `/api/v1/units/${P}-XA`, headers: admin });
    expect(got.json().targets).toHaveLength(2);
  });

  it("answer bad requests with 4xx and the one error shape", async () => {
    for (const [method, url, payload] of [
      ["POST", "/api/v1/units", { code: "!", name: "", kind: "city" }],
      ["POST", "/api/v1/units", "[1,2"],
      ["PATCH", `/api/v1/units/${P}-XA`, { memberCount: -1 }],
      ["GET", "/api/v1/units/NOPE-NOPE", undefined],
      ["POST", `/api/v1/units/${P}-XA/move`, {}],
      ["GET", `/api/v1/units/${P}-XA/poster?format=gif`, undefined],
      ["GET", "/api/v1/units/%00%ff", undefined],
    ] as const) {
      const res = await rt.app.inject({ method, url, headers: { ...admin, "content-type": "application/json" }, payload: typeof payload === "string" ? payload : payload ? JSON.stringify(payload) : undefined });
      expect(res.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
      expect(res.json(), `${method} ${url}`).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    }
  });
});

describe("bulk import", () => {
  const csv = (lines: string[]) => ["code,name,kind,parent,members", ...lines].join("\n");
  const importCsv = (body: string, dryRun: boolean) =>
    rt.app.inject({ method: "POST", url: `/api/v1/units/import?dryRun=${dryRun}`, headers: { ...admin, "content-type": "text/csv" }, payload: body });

  it("reports every bad row in a dry run and changes nothing, then refuses the same file for real", async () => {
    const file = csv([
      `${P}-I1,Xã Nhập Một,xã,${P}-TINH,500`,
      `${P}-I1,Trùng,commune,${P}-TINH,1`,
      `${P}-I2,Thôn ở tỉnh,thôn,${P}-TINH,`,
      `${P}-I3,Không cha,village,NOPE-PARENT,10`,
      `X,Mã ngắn,commune,,`,
      `${P}-I4,Số lạ,commune,${P}-TINH,mười`,
      `${P}-I5,Loại lạ,city,,`,
      `${P}-TINH,Tỉnh vào vòng,province,${P}-XA,`,
    ]);
    const before = await snapshot();
    const audits = await auditCount();
    const dry = await importCsv(file, true);
    expect(dry.statusCode).toBe(200);
    const body = dry.json();
    expect(body).toMatchObject({ dryRun: true, applied: false, rows: 8 });
    expect(body.problems.map((p: { line: number; problem: string }) => `${p.line}:${p.problem}`)).toEqual([
      "3:duplicate", "4:kind_not_allowed", "5:not_found", "6:invalid", "7:invalid", "8:invalid", "9:kind_not_allowed",
    ]);
    expect(await snapshot()).toEqual(before);

    const real = await importCsv(file, false);
    expect(real.statusCode).toBe(422);
    expect(real.json().error.code).toBe("import_invalid");
    expect(real.json().error.details.problems).toHaveLength(7);
    expect(await snapshot()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it("refuses a cycle made inside the file", async () => {
    const res = await importCsv(csv([`${P}-C1,Xã C1,commune,${P}-C2,`, `${P}-C2,Xã C2,commune,${P}-C1,`]), true);
    expect(res.json().problems.map((p: { problem: string }) => p.problem)).toContain("kind_not_allowed");
    const res2 = await importCsv(csv([`${P}-C1,Cơ quan 1,agency,${P}-C2,`, `${P}-C2,Cơ quan 2,agency,${P}-C1,`]), true);
    expect(res2.json().problems.map((p: { problem: string }) => p.problem)).toEqual(["cycle", "cycle"]);
  });

  it("applies a clean CSV (children before parents in the file is fine), and an XLSX", async () => {
    const dry = await importCsv(csv([`${P}-N2,Thôn Mới,village,${P}-N1,80`, `${P}-N1,Phường Mới,phường,${P}-TINH,"1.200"`]), true);
    expect(dry.json()).toMatchObject({ dryRun: true, applied: false, created: 2, updated: 0, problems: [] });
    expect(await rt.units.get().then(() => rt.db.pool.query(`SELECT 1 FROM units WHERE code = $1`, [`${P}-N1`]))).toHaveProperty("rowCount", 0);
    const res = await importCsv(csv([`${P}-N2,Thôn Mới,village,${P}-N1,80`, `${P}-N1,Phường Mới,phường,${P}-TINH,"1.200"`]), false);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, created: 2 });
    const { rows } = await rt.db.pool.query(`SELECT u.code, u.kind::text, p.code AS parent, u.member_count FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code IN ($1, $2) ORDER BY u.code`, [`${P}-N1`, `${P}-N2`]);
    expect(rows).toEqual([
      { code: `${P}-N1`, kind: "ward", parent: `${P}-TINH`, member_count: 1200 },
      { code: `${P}-N2`, kind: "village", parent: `${P}-N1`, member_count: 80 },
    ]);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Đơn vị");
    ws.addRow(["Mã", "Tên", "Loại", "Mã cấp trên", "Số thành viên"]);
    ws.addRow([`${P}-X1`, "Tổ dân phố 1", "tổ dân phố", `${P}-N1`, 45]);
    ws.addRow([`${P}-N2`, "Thôn Mới (đổi tên)", "village", `${P}-N1`, 81]);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await rt.app.inject({
      method: "POST", url: "/api/v1/units/import?dryRun=false", payload: buffer,
      headers: { ...admin, "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    });
    expect(x.statusCode).toBe(200);
    expect(x.json()).toMatchObject({ applied: true, created: 1, updated: 1 });
    const n2 = await rt.app.inject({ method: "GET", url: `/api/v1/units/${P}-N2`, headers: admin });
    expect(n2.json()).toMatchObject({ name: "Thôn Mới (đổi tên)", memberCount: 81 });
  });

  it("answers a file it cannot read with 4xx", async () => {
    const res = await rt.app.inject({ method: "POST", url: "/api/v1/units/import", headers: { ...admin, "content-type": "text/csv" }, payload: "just,some\ncolumns,here" });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe("import_header");
    const zip = await rt.app.inject({ method: "POST", url: "/api/v1/units/import", headers: { ...admin, "content-type": "application/octet-stream" }, payload: Buffer.from("PK\x03\x04garbage") });
    expect(zip.statusCode).toBe(422);
    expect(zip.json().error.code).toBe("import_unreadable");
  });
});

describe("QR posters", () => {
  it("carry the unit's name and its Telegram, Zalo and web chat links, as SVG and PNG", async () => {
    const svg = await rt.app.inject({ method: "GET", url: `/api/v1/units/${P}-XA/poster`, headers: admin });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers["content-type"]).toContain("image/svg+xml");
    expect(svg.body).toContain("Xã An Bình");
    expect(svg.body).toContain(`t.me/cdht_test_bot?start=u_${P}-XA`);
    expect(svg.body).toContain("zalo.me/1234567890");
    expect(svg.body).toContain(`/chat?u=${P}-XA`);
    const png = await rt.app.inject({ method: "GET", url: `/api/v1/units/${P}-XA/poster?format=png`, headers: admin });
    expect(png.statusCode).toBe(200);
    expect(png.headers["content-type"]).toBe("image/png");
    expect(png.rawPayload.subarray(1, 4).toString()).toBe("PNG");
    expect(png.rawPayload.length).toBeGreaterThan(20_000);
  });
});
