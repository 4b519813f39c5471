// Officer invitations: single use, expiring, stored hashed; the link token and the typed code both work;
// listing and deactivation.
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { acceptInvitation, createInvitation, invitationSecretOf } from "../../../server/officers/invitations.ts";
import { deactivateOfficer, listOfficers, noticePreference, officerRoles, setNoticePreference } from "../../../server/officers/store.ts";
import { normaliseCode, parseDuration } from "../../../server/officers/tokens.ts";
import { DAY, reviewFixtures } from "../../support/review-fixtures.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 3 });
afterAll(() => pool.end());
const f = reviewFixtures(pool);
const now = new Date();

async function issue(unitCode: string, role: "officer" | "lead" = "officer", expiresInMs = DAY) {
  const r = await createInvitation(pool, { unitCode, role, expiresInMs, createdBy: "test", now });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("officer invitations", () => {
  it("makes the person an officer of the unit once; the token and code are stored only as hashes", async () => {
    const unit = await f.unit("Xã Tân Lập");
    const inv = await issue(unit.code.toLowerCase());
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(inv.code).toMatch(/^CB-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(inv.unit.code).toBe(unit.code);
    const raw = JSON.stringify((await pool.query(`SELECT * FROM officer_invitations WHERE id = $1`, [inv.id])).rows);
    expect(raw).not.toContain(inv.token);
    expect(raw).not.toContain(inv.code);
    expect(raw).not.toContain(inv.code.replace(/-/g, "").slice(2));

    const person = await f.person("Lê Văn Cán");
    const accepted = await acceptInvitation(pool, { secret: { token: inv.token }, personId: person, now });
    expect(accepted).toMatchObject({ ok: true, value: { role: "officer", unit: { code: unit.code } } });
    expect(await officerRoles(pool, person)).toEqual([expect.objectContaining({ role: "officer", unit: expect.objectContaining({ id: unit.id }) })]);

    const other = await f.person("Trần Thị Khác");
    const again = await acceptInvitation(pool, { secret: { token: inv.token }, personId: other, now });
    expect(again).toMatchObject({ ok: false, code: "used" });
    const byCode = await acceptInvitation(pool, { secret: { code: inv.code }, personId: other, now });
    expect(byCode).toMatchObject({ ok: false, code: "used" });
    expect(await officerRoles(pool, other)).toEqual([]);
    const { rows } = await pool.query(`SELECT action, actor_id FROM audit_log WHERE details->>'invitation' = $1 ORDER BY id`, [inv.id]);
    expect(rows).toEqual([{ action: "officer.invite", actor_id: "test" }, { action: "officer.accept", actor_id: person }]);
  });

  it("accepts the short code typed loosely on Zalo, and refuses an expired or unknown one", async () => {
    const unit = await f.unit("Thôn Đông");
    const inv = await issue(unit.code, "lead");
    const typed = ` ${inv.code.toLowerCase().replace(/-/g, " ")} `;
    const secret = invitationSecretOf(typed);
    expect(secret).toEqual({ code: inv.code });
    const person = await f.person("H'Hen Niê");
    expect(await acceptInvitation(pool, { secret: secret!, personId: person, now })).toMatchObject({ ok: true, value: { role: "lead" } });

    const short = await issue(unit.code, "officer", 60_000);
    const late = await acceptInvitation(pool, { secret: { token: short.token }, personId: person, now: new Date(now.getTime() + 61_000) });
    expect(late).toMatchObject({ ok: false, code: "expired" });
    expect(await acceptInvitation(pool, { secret: { code: "CB-00000-00000" }, personId: person, now })).toMatchObject({ ok: false, code: "not_found" });
    // The lead invited again as an officer stays a lead.
    const downgrade = await issue(unit.code, "officer");
    expect(await acceptInvitation(pool, { secret: { token: downgrade.token }, personId: person, now })).toMatchObject({ ok: true, value: { role: "lead" } });
  });

  it("reads secrets from start payloads and typed text, and nothing else", () => {
    expect(invitationSecretOf("o_" + "a".repeat(32))).toEqual({ token: "a".repeat(32) });
    expect(invitationSecretOf("cb-o1l2i-33333")).toEqual({ code: "CB-01121-33333" });
    expect(invitationSecretOf("u_DEMO-XA")).toBeUndefined();
    expect(invitationSecretOf("có")).toBeUndefined();
    expect(normaliseCode("CB-UUUUU-00000")).toBeUndefined();
    expect(parseDuration("7d")).toBe(7 * DAY);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("0d")).toBeUndefined();
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("refuses an unknown unit", async () => {
    expect(await createInvitation(pool, { unitCode: "NO-SUCH-UNIT", role: "officer", expiresInMs: DAY, createdBy: "t", now })).toMatchObject({ ok: false, code: "unit_not_found" });
  });
});

describe("officers", () => {
  it("lists a unit's officers and deactivates one, audited; the deactivated one has no role left", async () => {
    const unit = await f.unit("Trường Hòa An");
    const a = await f.officer(unit.code, "lead", "Phạm Văn Trưởng");
    await f.officer(unit.code, "officer", "Ngô Thị Phó");
    const listed = await listOfficers(pool, { unitCode: unit.code });
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.value.map((o) => [o.fullName, o.role, o.active])).toEqual([["Phạm Văn Trưởng", "lead", true], ["Ngô Thị Phó", "officer", true]]);

    const off = await deactivateOfficer(pool, { officerId: listed.value[0]!.officerId, by: "cli", now });
    expect(off).toMatchObject({ ok: true, value: { fullName: "Phạm Văn Trưởng" } });
    expect(await officerRoles(pool, a)).toEqual([]);
    expect(await deactivateOfficer(pool, { officerId: listed.value[0]!.officerId, by: "cli", now })).toMatchObject({ ok: false, code: "inactive" });
    expect(await deactivateOfficer(pool, { officerId: "nope", by: "cli", now })).toMatchObject({ ok: false, code: "not_found" });
    expect(await listOfficers(pool, { unitCode: "NO-SUCH-UNIT" })).toMatchObject({ ok: false, code: "unit_not_found" });
    const { rows } = await pool.query(`SELECT actor_kind, actor_id FROM audit_log WHERE action = 'officer.deactivate' AND details->>'person' = $1`, [a]);
    expect(rows).toEqual([{ actor_kind: "admin", actor_id: "cli" }]);
  });

  it("keeps notice preferences", async () => {
    const unit = await f.unit("Công ty Sông Hồng");
    const p = await f.officer(unit.code);
    expect(await noticePreference(pool, p, { digestHour: 8 })).toEqual({ digestHour: 8 });
    await setNoticePreference(pool, p, { mode: "digest", digestHour: 17 });
    await setNoticePreference(pool, p, { mode: "digest" });
    expect(await noticePreference(pool, p, { digestHour: 8 })).toEqual({ mode: "digest", digestHour: 17 });
    await setNoticePreference(pool, p, { mode: null });
    expect(await noticePreference(pool, p, { digestHour: 8 })).toEqual({ digestHour: 17 });
  });
});
