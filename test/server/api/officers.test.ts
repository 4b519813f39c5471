// Officer operations through /api/v1 with the CLI's rules: an invitation gives the Telegram link, the
// web chat link and the Zalo code, and its link makes the person an officer through the real chat path;
// the list, deactivation and the units nobody covers; officers act only below their own units; audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptInvitation } from "../../../server/officers/invitations.ts";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
let officerA: { authorization: string };
let personA = "";
const P = uniquePrefix();
const A = `${P}-A`;
const A1 = `${P}-A1`;
const B = `${P}-B`;

beforeAll(async () => {
  rt = await adminRuntime({ TELEGRAM_BOT_USERNAME: "cdht_test_bot" });
  await insertUnit(rt.db.pool, `${P}-T`, "province");
  await insertUnit(rt.db.pool, A, "commune", `${P}-T`);
  await insertUnit(rt.db.pool, A1, "village", A);
  await insertUnit(rt.db.pool, B, "commune", `${P}-T`);
  personA = await insertOfficer(rt.db.pool, [A]);
  const link = await createSignInLink(rt.db.pool, personA, rt.config.publicBaseUrl);
  const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
  officerA = { authorization: `Bearer ${res.json().token}` };
});
afterAll(async () => {
  await rt?.close();
});

const person = async () => (await rt.db.pool.query<{ id: string }>(`INSERT INTO people (full_name, consent_at) VALUES ('Người mới', now()) RETURNING id`)).rows[0]!.id;

describe("officer invitations through the API", () => {
  it("give the three ways in, each single-use, and an accepted one makes an officer of the unit (audited as the administrator)", async () => {
    const res = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: admin, payload: { unitCode: A1.toLowerCase(), role: "lead", expires: "48h" } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.unit).toEqual({ code: A1, name: `Đơn vị ${A1}` });
    expect(body.role).toBe("lead");
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(47 * 3_600_000);
    expect(body.links.telegram).toMatch(/^https:\/\/t\.me\/cdht_test_bot\?start=o_[A-Za-z0-9_-]{32}$/);
    const token = /start=o_(.+)$/.exec(body.links.telegram)![1]!;
    expect(body.links.web).toBe(`${rt.config.publicBaseUrl}/chat?o=${token}`);
    expect(body.links.zaloCode).toMatch(/^CB-/);

    const someone = await person();
    const accepted = await acceptInvitation(rt.db.pool, { secret: { code: body.links.zaloCode }, personId: someone, now: new Date() });
    expect(accepted.ok).toBe(true);
    const again = await acceptInvitation(rt.db.pool, { secret: { token }, personId: await person(), now: new Date() });
    expect(again).toMatchObject({ ok: false, code: "used" });
    const { rows } = await rt.db.pool.query(`SELECT actor_kind, actor_id FROM audit_log WHERE action = 'officer.invite' AND details->>'invitation' = $1`, [body.id]);
    expect(rows).toEqual([{ actor_kind: "admin", actor_id: "api" }]);

    const list = await rt.app.inject({ method: "GET", url: `/api/v1/officers?unit=${A1}`, headers: admin });
    expect(list.json().officers).toEqual([expect.objectContaining({ personId: someone, role: "lead", active: true, unit: { code: A1, name: `Đơn vị ${A1}` } })]);
  });

  it("refuses bad input with the one error shape and stores nothing", async () => {
    const count = async () => Number((await rt.db.pool.query(`SELECT count(*) FROM officer_invitations`)).rows[0].count);
    const before = await count();
    for (const payload of [{ unitCode: A1, expires: "200d" }, { unitCode: A1, role: "boss" }, { unitCode: "?" }, {}]) {
      const res = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: admin, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
    }
    const missing = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: admin, payload: { unitCode: `${P}-NONE` } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("unit_not_found");
    expect(await count()).toBe(before);
  });

  it("are made by an officer only for the units below their own, audited as that officer", async () => {
    const own = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: officerA, payload: { unitCode: A } });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe("forbidden");
    const other = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: officerA, payload: { unitCode: B } });
    expect(other.statusCode).toBe(404);
    const below = await rt.app.inject({ method: "POST", url: "/api/v1/officers/invitations", headers: officerA, payload: { unitCode: A1 } });
    expect(below.statusCode).toBe(201);
    const { rows } = await rt.db.pool.query(`SELECT actor_kind, actor_id FROM audit_log WHERE action = 'officer.invite' AND details->>'invitation' = $1`, [below.json().id]);
    expect(rows).toEqual([{ actor_kind: "officer", actor_id: personA }]);
  });
});

describe("officer list, deactivation and uncovered units", () => {
  it("deactivates once (409 the second time), the officer loses their scope, and the unit shows as uncovered", async () => {
    const officerB = await insertOfficer(rt.db.pool, [B]);
    const asA = await rt.app.inject({ method: "GET", url: "/api/v1/officers", headers: officerA });
    expect(asA.json().officers.map((o: { unit: { code: string } }) => o.unit.code)).not.toContain(B);
    const all = await rt.app.inject({ method: "GET", url: `/api/v1/officers?unit=${B}`, headers: admin });
    const id = all.json().officers.find((o: { personId: string }) => o.personId === officerB).officerId;

    const byA = await rt.app.inject({ method: "POST", url: `/api/v1/officers/${id}/deactivate`, headers: officerA });
    expect(byA.statusCode).toBe(404);
    const res = await rt.app.inject({ method: "POST", url: `/api/v1/officers/${id}/deactivate`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().unit.code).toBe(B);
    const { rows } = await rt.db.pool.query(`SELECT active FROM officers WHERE id = $1`, [id]);
    expect(rows).toEqual([{ active: false }]);
    const audit = await rt.db.pool.query(`SELECT actor_kind FROM audit_log WHERE action = 'officer.deactivate' AND details->>'officer' = $1`, [id]);
    expect(audit.rows).toEqual([{ actor_kind: "admin" }]);
    const twice = await rt.app.inject({ method: "POST", url: `/api/v1/officers/${id}/deactivate`, headers: admin });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe("officer_inactive");
    const junk = await rt.app.inject({ method: "POST", url: `/api/v1/officers/not-an-id/deactivate`, headers: admin });
    expect(junk.statusCode).toBe(404);

    const uncovered = await rt.app.inject({ method: "GET", url: "/api/v1/officers/uncovered", headers: admin });
    expect(uncovered.json().units.map((u: { code: string }) => u.code)).toContain(B);
    const uncoveredA = await rt.app.inject({ method: "GET", url: "/api/v1/officers/uncovered", headers: officerA });
    const codes = uncoveredA.json().units.map((u: { code: string }) => u.code);
    expect(codes).not.toContain(B);
    expect(codes.every((c: string) => c.startsWith(A))).toBe(true);
  });

  it("lets an officer deactivate an officer of a unit below theirs, not their own unit's", async () => {
    const lower = await insertOfficer(rt.db.pool, [A1]);
    const colleague = await insertOfficer(rt.db.pool, [A]);
    const list = (await rt.app.inject({ method: "GET", url: "/api/v1/officers", headers: officerA })).json().officers as { personId: string; officerId: string }[];
    const lowerId = list.find((o) => o.personId === lower)!.officerId;
    const colleagueId = list.find((o) => o.personId === colleague)!.officerId;
    expect((await rt.app.inject({ method: "POST", url: `/api/v1/officers/${colleagueId}/deactivate`, headers: officerA })).statusCode).toBe(403);
    expect((await rt.app.inject({ method: "POST", url: `/api/v1/officers/${lowerId}/deactivate`, headers: officerA })).statusCode).toBe(200);
    const { rows } = await rt.db.pool.query(`SELECT person_id, active FROM officers WHERE person_id = ANY($1::uuid[]) ORDER BY active`, [[lower, colleague]]);
    expect(rows).toEqual([{ person_id: lower, active: false }, { person_id: colleague, active: true }]);
  });
});
