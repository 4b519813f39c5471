// The assessments list (filters, keyset pagination that neither repeats nor skips) and one assessment's
// detail, which only the administrator and the officers of its unit or above may read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const P = uniquePrefix();
const [T, A, A1, B] = ["T", "A", "A1", "B"].map((s) => `${P}-${s}`) as [string, string, string, string];

async function add(code: string, n: number, status: string, group: string, verdict: string | null = null) {
  await rt.db.pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, verdict, answers, started_at)
     SELECT NULL, (SELECT id FROM units WHERE code = $1), $2::target_group, 'cdht-x', '1', 2025, $3::assessment_status, $4, '{"q1": "yes"}',
            timestamptz '2025-04-01' + i * interval '1 minute' - (i % 3) * interval '1 minute'
       FROM generate_series(1, $5) i`,
    [code, group, status, verdict, n],
  );
}

async function officerHeaders(code: string) {
  const person = await insertOfficer(rt.db.pool, [code]);
  const link = await createSignInLink(rt.db.pool, person, rt.config.publicBaseUrl);
  const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
  return { authorization: `Bearer ${res.json().token}` };
}

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, T, "province");
  await insertUnit(rt.db.pool, A, "commune", T);
  await insertUnit(rt.db.pool, A1, "village", A);
  await insertUnit(rt.db.pool, B, "commune", T);
  await add(A, 7, "confirmed", "resident", "dat");
  await add(A1, 30, "submitted", "worker");
  await add(B, 5, "confirmed", "resident", "dat");
});
afterAll(async () => {
  await rt?.close();
});

type Page = { items: { id: string; unitCode: string; status: string }[]; next: string | null };
const list = async (query: string, headers = admin) => {
  const res = await rt.app.inject({ method: "GET", url: `/api/v1/assessments?year=2025&${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};

describe("the assessments list", () => {
  it("filters by unit subtree, status, verdict and target group", async () => {
    expect((await list(`unit=${A}&limit=200`)).items).toHaveLength(37);
    expect((await list(`unit=${A}&status=confirmed`)).items.map((i) => i.unitCode)).toEqual(Array(7).fill(A));
    expect((await list(`unit=${T}&verdict=dat&limit=200`)).items).toHaveLength(12);
    expect((await list(`unit=${T}&targetGroup=worker&limit=200`)).items).toHaveLength(30);
  });

  it("pages with a keyset cursor, newest first, without repeats or gaps", async () => {
    const seen: string[] = [];
    let after = "";
    for (let i = 0; i < 20; i++) {
      const page = await list(`unit=${T}&limit=8${after ? `&after=${after}` : ""}`);
      seen.push(...page.items.map((x) => x.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toHaveLength(42);
    expect(new Set(seen).size).toBe(42);
    const bad = await rt.app.inject({ method: "GET", url: `/api/v1/assessments?after=nonsense`, headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("bad_cursor");
  });

  it("shows an officer only their units, and the detail only of those", async () => {
    const officerA = await officerHeaders(A);
    const mine = await list("limit=200", officerA);
    expect(new Set(mine.items.map((i) => i.unitCode))).toEqual(new Set([A, A1]));
    const bItem = (await list(`unit=${B}`)).items[0]!;
    const denied = await rt.app.inject({ method: "GET", url: `/api/v1/assessments/${bItem.id}`, headers: officerA });
    expect(denied.statusCode).toBe(404);
    const own = await rt.app.inject({ method: "GET", url: `/api/v1/assessments/${mine.items[0]!.id}`, headers: officerA });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ answers: { q1: "yes" }, setId: "cdht-x" });
    const asAdmin = await rt.app.inject({ method: "GET", url: `/api/v1/assessments/${bItem.id}`, headers: admin });
    expect(asAdmin.statusCode).toBe(200);
    expect((await rt.app.inject({ method: "GET", url: "/api/v1/assessments/not-a-uuid", headers: admin })).statusCode).toBe(404);
  });
});
