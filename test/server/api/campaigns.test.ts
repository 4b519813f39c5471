// Campaign operations through /api/v1 with the CLI's rules: create from the preset or a definition
// (every problem named, nothing stored), preview, plan, start / pause / resume / cancel in the allowed
// order only, status with per-round figures; officers only for their units and below; audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
let officerA: { authorization: string };
const P = uniquePrefix();
const A = `${P}-A`;
const A1 = `${P}-A1`;
const B = `${P}-B`;
const year = new Date().getUTCFullYear() + 1;
const week = { preset: "learning-week", year, from: `${year}-10-01`, to: `${year}-10-07`, theme: "Học tập suốt đời" };

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, `${P}-T`, "province");
  await insertUnit(rt.db.pool, A, "commune", `${P}-T`);
  await insertUnit(rt.db.pool, A1, "village", A);
  await insertUnit(rt.db.pool, B, "commune", `${P}-T`);
  const person = await insertOfficer(rt.db.pool, [A]);
  const link = await createSignInLink(rt.db.pool, person, rt.config.publicBaseUrl);
  const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
  officerA = { authorization: `Bearer ${res.json().token}` };
});
afterAll(async () => {
  await rt?.close();
});

const campaignCount = async () => Number((await rt.db.pool.query(`SELECT count(*) FROM campaigns`)).rows[0].count);

describe("campaigns through the API", () => {
  it("run the CLI's life cycle: create (audited), preview, plan, start, pause, resume, cancel; wrong order is a 409 that changes nothing", async () => {
    const created = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { ...week, units: [A], channels: ["telegram", "web"] } });
    expect(created.statusCode).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({ status: "draft", units: [A], channels: ["telegram", "web"], from: week.from, to: week.to });
    expect(c.rounds).toBeGreaterThanOrEqual(3);

    const preview = await rt.app.inject({ method: "GET", url: `/api/v1/campaigns/${c.id}/preview?round=1&lang=vi&channel=telegram`, headers: admin });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().lines.join("\n")).toContain("=== Round 1");
    const badRound = await rt.app.inject({ method: "GET", url: `/api/v1/campaigns/${c.id}/preview?round=29`, headers: admin });
    expect(badRound.statusCode).toBe(400);

    const plan = await rt.app.inject({ method: "GET", url: `/api/v1/campaigns/${c.id}/plan`, headers: admin });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().rounds).toHaveLength(c.rounds);
    expect(plan.json().lines[0]).toContain(`Campaign ${c.id.slice(0, 8)}`);

    const resume = await rt.app.inject({ method: "POST", url: `/api/v1/campaigns/${c.id}/resume`, headers: admin });
    expect(resume.statusCode).toBe(409);
    expect(resume.json().error.code).toBe("wrong_status");
    for (const [action, status] of [["start", "running"], ["pause", "paused"], ["resume", "running"], ["cancel", "cancelled"]] as const) {
      const res = await rt.app.inject({ method: "POST", url: `/api/v1/campaigns/${c.id}/${action}`, headers: admin });
      expect(res.statusCode, action).toBe(200);
      expect(res.json().status).toBe(status);
    }
    const { rows } = await rt.db.pool.query(`SELECT status FROM campaigns WHERE id = $1`, [c.id]);
    expect(rows).toEqual([{ status: "cancelled" }]);
    const again = await rt.app.inject({ method: "POST", url: `/api/v1/campaigns/${c.id}/start`, headers: admin });
    expect(again.statusCode).toBe(409);

    const audit = await rt.db.pool.query(`SELECT action, actor_kind FROM audit_log WHERE details->>'campaign' = $1 ORDER BY id`, [c.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(["campaign.create", "campaign.start", "campaign.pause", "campaign.resume", "campaign.cancel"]);

    const status = await rt.app.inject({ method: "GET", url: `/api/v1/campaigns/${c.id}`, headers: admin });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ id: c.id, status: "cancelled", stats: [] });
    expect(status.json().lines[0]).toContain("cancelled");
    const unknownAction = await rt.app.inject({ method: "POST", url: `/api/v1/campaigns/${c.id}/explode`, headers: admin });
    expect(unknownAction.statusCode).toBe(400);
  });

  it("refuses a bad definition naming every problem, and stores nothing", async () => {
    const before = await campaignCount();
    const res = await rt.app.inject({
      method: "POST", url: "/api/v1/campaigns", headers: admin,
      payload: { definition: { name: "x", year, from: `${year}-10-07`, to: `${year}-10-01`, window: { start: "05:00", end: "23:00" }, audience: {}, rounds: [{ day: 1, message: { vi: "{{nope}}" } }] } },
    });
    expect(res.statusCode).toBe(400);
    const { code, message } = res.json().error;
    expect(code).toBe("campaign_invalid");
    for (const part of ["name", "to", "window", "{{nope}}"]) expect(message).toContain(part);
    const noPreset = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { year } });
    expect(noPreset.statusCode).toBe(400);
    const unknownUnit = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { ...week, units: [`${P}-NONE`] } });
    expect(unknownUnit.statusCode).toBe(404);
    expect(await campaignCount()).toBe(before);
  });

  it("lets an officer run campaigns for their units and below only", async () => {
    const before = await campaignCount();
    const everyUnit = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: officerA, payload: { definition: { name: "Cả tỉnh", year, from: week.from, to: week.to, audience: {}, rounds: [{ day: 1, message: { vi: "Chào" } }] } } });
    expect(everyUnit.statusCode).toBe(403);
    const other = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: officerA, payload: { ...week, units: [A1, B] } });
    expect(other.statusCode).toBe(404);
    expect(await campaignCount()).toBe(before);

    const own = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: officerA, payload: week });
    expect(own.statusCode).toBe(201);
    expect(own.json().units).toEqual([A]);
    const ofB = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { ...week, units: [B] } });
    const list = await rt.app.inject({ method: "GET", url: "/api/v1/campaigns", headers: officerA });
    const ids = list.json().campaigns.map((c: { id: string }) => c.id);
    expect(ids).toContain(own.json().id);
    expect(ids).not.toContain(ofB.json().id);
    for (const req of [
      { method: "GET" as const, url: `/api/v1/campaigns/${ofB.json().id}` },
      { method: "GET" as const, url: `/api/v1/campaigns/${ofB.json().id}/plan` },
      { method: "POST" as const, url: `/api/v1/campaigns/${ofB.json().id}/start` },
    ]) {
      expect((await rt.app.inject({ ...req, headers: officerA })).statusCode, req.url).toBe(404);
    }
    const { rows } = await rt.db.pool.query(`SELECT status FROM campaigns WHERE id = $1`, [ofB.json().id]);
    expect(rows).toEqual([{ status: "draft" }]);
    const start = await rt.app.inject({ method: "POST", url: `/api/v1/campaigns/${own.json().id}/start`, headers: officerA });
    expect(start.statusCode).toBe(200);
    const audit = await rt.db.pool.query(`SELECT actor_kind FROM audit_log WHERE action = 'campaign.start' AND details->>'campaign' = $1`, [own.json().id]);
    expect(audit.rows).toEqual([{ actor_kind: "officer" }]);
  });
});
