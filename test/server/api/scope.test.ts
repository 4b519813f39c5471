// An officer of one commune cannot read or change another commune's data through any /api/v1 route.
// The routes come from the OpenAPI document: a new route without a case here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
let officerA: { authorization: string };
let assessmentOfB = "";
let campaignOfB = "";
let officerOfB1 = "";
const P = uniquePrefix();
const A = `${P}-A`;
const B = `${P}-B`;
const B1 = `${P}-B1`;
const A1 = `${P}-A1`;

type Req = { method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; url: string; payload?: unknown; headers?: Record<string, string> };

/** For each route: requests aimed at commune B's data, as officer A would try them. */
const CASES: Record<string, () => Req[]> = {
  "GET /api/v1/me": () => [],
  "POST /api/v1/sign-out": () => [],
  "POST /api/v1/sign-in-links": () => [{ method: "POST", url: "/api/v1/sign-in-links", payload: { personId: "00000000-0000-4000-8000-000000000000" } }],
  "GET /api/v1/units": () => [{ method: "GET", url: `/api/v1/units?root=${B}` }],
  "POST /api/v1/units": () => [
    { method: "POST", url: "/api/v1/units", payload: { code: `${P}-NEW`, name: "Thôn lạ", kind: "village", parentCode: B } },
    { method: "POST", url: "/api/v1/units", payload: { code: `${P}-NEW2`, name: "Xã lạ", kind: "commune" } },
  ],
  "GET /api/v1/units/{code}": () => [{ method: "GET", url: `/api/v1/units/${B1}` }],
  "PATCH /api/v1/units/{code}": () => [
    { method: "PATCH", url: `/api/v1/units/${B1}`, payload: { name: "Đổi tên" } },
    { method: "PATCH", url: `/api/v1/units/${A}`, payload: { name: "Đổi tên xã mình" } },
  ],
  "POST /api/v1/units/{code}/move": () => [
    { method: "POST", url: `/api/v1/units/${B1}/move`, payload: { parentCode: A } },
    { method: "POST", url: `/api/v1/units/${A1}/move`, payload: { parentCode: B } },
  ],
  "GET /api/v1/units/{code}/targets": () => [{ method: "GET", url: `/api/v1/units/${B}/targets` }],
  "PUT /api/v1/units/{code}/targets": () => [
    { method: "PUT", url: `/api/v1/units/${B1}/targets`, payload: { targets: [{ year: 2025, targetGroup: "resident", percent: 1 }] } },
  ],
  "POST /api/v1/units/import": () => [
    { method: "POST", url: "/api/v1/units/import?dryRun=false", headers: { "content-type": "text/csv" }, payload: `code,name,kind,parent\n${B1},Đổi,village,${B}\n` },
    { method: "POST", url: "/api/v1/units/import?dryRun=false", headers: { "content-type": "text/csv" }, payload: `code,name,kind,parent\n${P}-N3,Mới,village,${B}\n` },
  ],
  "GET /api/v1/units/{code}/poster": () => [{ method: "GET", url: `/api/v1/units/${B}/poster` }],
  "GET /api/v1/reports": () => [{ method: "GET", url: `/api/v1/reports?unit=${B}` }, { method: "GET", url: `/api/v1/reports?unit=${B1}&year=2025` }],
  "GET /api/v1/reports/weekly": () => [{ method: "GET", url: `/api/v1/reports/weekly?unit=${B}` }],
  "GET /api/v1/exports/report.xlsx": () => [{ method: "GET", url: `/api/v1/exports/report.xlsx?unit=${B}` }],
  "GET /api/v1/exports/summary.csv": () => [{ method: "GET", url: `/api/v1/exports/summary.csv?unit=${B}` }],
  "GET /api/v1/exports/assessments.csv": () => [{ method: "GET", url: `/api/v1/exports/assessments.csv?unit=${B}` }],
  "GET /api/v1/charts/targets": () => [{ method: "GET", url: `/api/v1/charts/targets?unit=${B}` }, { method: "GET", url: `/api/v1/charts/targets?unit=${B1}&format=png` }],
  "GET /api/v1/charts/weekly": () => [{ method: "GET", url: `/api/v1/charts/weekly?unit=${B}` }],
  "GET /api/v1/assessments": () => [{ method: "GET", url: `/api/v1/assessments?unit=${B}` }],
  "GET /api/v1/assessments/{id}": () => [{ method: "GET", url: `/api/v1/assessments/${assessmentOfB}` }],
  "POST /api/v1/assessments/{id}/decision": () => [
    { method: "POST", url: `/api/v1/assessments/${assessmentOfB}/decision`, payload: { decision: "confirmed" } },
    { method: "POST", url: `/api/v1/assessments/${assessmentOfB}/decision`, payload: { decision: "rejected", reasonCode: "not_member" } },
  ],
  "POST /api/v1/officers/invitations": () => [
    { method: "POST", url: "/api/v1/officers/invitations", payload: { unitCode: B1 } },
    { method: "POST", url: "/api/v1/officers/invitations", payload: { unitCode: A, role: "lead" } },
  ],
  "GET /api/v1/officers": () => [{ method: "GET", url: `/api/v1/officers?unit=${B1}` }],
  "POST /api/v1/officers/{id}/deactivate": () => [{ method: "POST", url: `/api/v1/officers/${officerOfB1}/deactivate` }],
  "GET /api/v1/officers/uncovered": () => [],
  "POST /api/v1/campaigns": () => [
    { method: "POST", url: "/api/v1/campaigns", payload: { preset: "learning-week", year: 2027, from: "2027-10-01", to: "2027-10-07", units: [B] } },
    { method: "POST", url: "/api/v1/campaigns", payload: { definition: { name: "Cả tỉnh", year: 2027, from: "2027-10-01", to: "2027-10-07", audience: {}, rounds: [{ day: 1, message: { vi: "Chào" } }] } } },
  ],
  "GET /api/v1/campaigns": () => [],
  "GET /api/v1/campaigns/{id}": () => [{ method: "GET", url: `/api/v1/campaigns/${campaignOfB}` }],
  "GET /api/v1/campaigns/{id}/preview": () => [{ method: "GET", url: `/api/v1/campaigns/${campaignOfB}/preview` }],
  "GET /api/v1/campaigns/{id}/plan": () => [{ method: "GET", url: `/api/v1/campaigns/${campaignOfB}/plan` }],
  "POST /api/v1/campaigns/{id}/{action}": () => ["start", "pause", "resume", "cancel"].map((a) => ({ method: "POST" as const, url: `/api/v1/campaigns/${campaignOfB}/${a}` })),
  "GET /api/v1/reports/campaign-effect": () => [{ method: "GET", url: `/api/v1/reports/campaign-effect?unit=${B}` }, { method: "GET", url: `/api/v1/reports/campaign-effect?unit=${B1}&year=2025&days=7` }],
  "GET /api/v1/charts/campaign-effect": () => [{ method: "GET", url: `/api/v1/charts/campaign-effect?unit=${B}&format=png` }],
  "GET /api/v1/exports/campaign-effect.csv": () => [{ method: "GET", url: `/api/v1/exports/campaign-effect.csv?unit=${B}` }],
  // Criteria sets are the province administrator's: an officer is refused whatever the set.
  "GET /api/v1/criteria-sets": () => [{ method: "GET", url: "/api/v1/criteria-sets" }],
  "POST /api/v1/criteria-sets": () => [{ method: "POST", url: "/api/v1/criteria-sets", payload: { id: "x", version: "1" } }],
  "GET /api/v1/criteria-sets/{key}/preview": () => [{ method: "GET", url: "/api/v1/criteria-sets/00000000-0000-4000-8000-000000000000/preview" }],
  "POST /api/v1/criteria-sets/{key}/publish": () => [{ method: "POST", url: "/api/v1/criteria-sets/00000000-0000-4000-8000-000000000000/publish", payload: {} }],
};

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, `${P}-T`, "province");
  await insertUnit(rt.db.pool, A, "commune", `${P}-T`, 100);
  await insertUnit(rt.db.pool, A1, "village", A, 50);
  await insertUnit(rt.db.pool, B, "commune", `${P}-T`, 100);
  await insertUnit(rt.db.pool, B1, "village", B, 50);
  const inB = await rt.db.pool.query<{ id: string }>(
    `INSERT INTO assessments (unit_id, target_group, set_id, set_version, year, status) SELECT id, 'resident', 'cdht-x', '1', 2025, 'submitted' FROM units WHERE code = $1 RETURNING id`,
    [B1],
  );
  assessmentOfB = inB.rows[0]!.id;
  await rt.db.pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent) SELECT id, 2025, 'resident', 50 FROM units WHERE code = $1`, [B]);
  const ofB1 = await insertOfficer(rt.db.pool, [B1]);
  officerOfB1 = (await rt.db.pool.query(`SELECT id FROM officers WHERE person_id = $1`, [ofB1])).rows[0].id;
  const campaign = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { preset: "learning-week", year: 2027, from: "2027-10-01", to: "2027-10-07", units: [B] } });
  campaignOfB = campaign.json().id;
  const person = await insertOfficer(rt.db.pool, [A]);
  const link = await createSignInLink(rt.db.pool, person, rt.config.publicBaseUrl);
  const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
  officerA = { authorization: `Bearer ${res.json().token}` };
});
afterAll(async () => {
  await rt?.close();
});

/** Everything officer A must not see, as it is stored. */
async function stateOfB() {
  const units = await rt.db.pool.query(`SELECT code, name, kind, parent_id, member_count, updated_at FROM units WHERE code LIKE $1 ORDER BY code`, [`${P}-%`]);
  const targets = await rt.db.pool.query(`SELECT t.* FROM unit_targets t JOIN units u ON u.id = t.unit_id WHERE u.code LIKE $1 ORDER BY u.code`, [`${P}-%`]);
  const officers = await rt.db.pool.query(`SELECT o.* FROM officers o JOIN units u ON u.id = o.unit_id WHERE u.code LIKE $1 ORDER BY o.id`, [`${P}-%`]);
  const invitations = await rt.db.pool.query(`SELECT count(*)::int AS n FROM officer_invitations i JOIN units u ON u.id = i.unit_id WHERE u.code LIKE $1`, [`${P}-%`]);
  const campaigns = await rt.db.pool.query(`SELECT id, status, updated_at FROM campaigns WHERE id = $1`, [campaignOfB]);
  const assessments = await rt.db.pool.query(`SELECT status, decided_at FROM assessments WHERE id = $1`, [assessmentOfB]);
  return { assessments: assessments.rows, units: units.rows, targets: targets.rows, officers: officers.rows, invitations: invitations.rows, campaigns: campaigns.rows };
}

describe("an officer of commune A", () => {
  it("has a case for every /api/v1 route of the OpenAPI document", async () => {
    const doc = (await rt.app.inject({ method: "GET", url: "/api/docs/json" })).json() as { paths: Record<string, object> };
    const ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith("/api/v1/"))
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.filter((op) => !(op in CASES))).toEqual([]);
  });

  it("cannot read or change commune B's data through any route, and nothing of B changes", async () => {
    const before = await stateOfB();
    for (const [op, build] of Object.entries(CASES)) {
      for (const req of build()) {
        const res = await rt.app.inject({ ...req, headers: { ...officerA, ...req.headers }, payload: req.payload as string });
        expect([403, 404, 422], `${op}: ${req.method} ${req.url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        expect(res.body, op).not.toContain(`Đơn vị ${B}`);
        if (res.statusCode === 422) expect(res.json().error.code, op).toBe("import_invalid");
      }
    }
    expect(await stateOfB()).toEqual(before);
  });

  it("sees only A's subtree in the unit list, and may change the units below A", async () => {
    const list = await rt.app.inject({ method: "GET", url: "/api/v1/units", headers: officerA });
    expect(list.json().units.map((u: { code: string }) => u.code)).toEqual([A, A1]);
    const own = await rt.app.inject({ method: "PATCH", url: `/api/v1/units/${A1}`, headers: officerA, payload: { memberCount: 60 } });
    expect(own.statusCode).toBe(200);
    const created = await rt.app.inject({ method: "POST", url: "/api/v1/units", headers: officerA, payload: { code: `${P}-A2`, name: "Thôn A2", kind: "village", parentCode: A } });
    expect(created.statusCode).toBe(201);
    const { rows } = await rt.db.pool.query(`SELECT actor_kind, actor_id IS NOT NULL AS has_actor FROM audit_log WHERE action = 'unit.create' AND details->>'code' = $1`, [`${P}-A2`]);
    expect(rows).toEqual([{ actor_kind: "officer", has_actor: true }]);
    const asAdmin = await rt.app.inject({ method: "GET", url: `/api/v1/units?root=${B}`, headers: admin });
    expect(asAdmin.statusCode).toBe(200);
    const report = await rt.app.inject({ method: "GET", url: "/api/v1/reports?year=2025", headers: officerA });
    expect(report.json().units.map((u: { code: string }) => u.code)).toEqual([A, A1, `${P}-A2`]);
    const csv = await rt.app.inject({ method: "GET", url: "/api/v1/exports/summary.csv?year=2025", headers: officerA });
    expect(csv.body).not.toContain(B);
  });
});
