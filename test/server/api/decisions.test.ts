// Decisions through /api/v1 under the chat's rules: the first decision wins (the second officer learns
// who decided), nobody decides their own assessment, only officers of the unit (or above), a rejection
// needs a reason; the decision, its audit entry and the citizen's notice in the outbox are stored
// together; a refused decision changes nothing.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const P = uniquePrefix();
const A = `${P}-A`;
const B = `${P}-B`;

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, A, "commune");
  await insertUnit(rt.db.pool, B, "commune");
});
afterAll(async () => {
  await rt?.close();
});

/** A consented person with a web chat account; returns the person id and the account's external id. */
async function chatPerson(name: string): Promise<{ personId: string; chat: string }> {
  const personId = randomUUID();
  await rt.db.pool.query(`INSERT INTO people (id, full_name, birth_year, language, consent_version, consent_at) VALUES ($1, $2, 1980, 'vi', 'c1', now())`, [personId, name]);
  const chat = randomUUID();
  await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id, person_id, last_interaction_at) VALUES ('web', $1, $2, now())`, [chat, personId]);
  return { personId, chat };
}

async function officerSession(unit: string, name: string): Promise<{ personId: string; chat: string; headers: { authorization: string } }> {
  const { personId, chat } = await chatPerson(name);
  await rt.db.pool.query(`INSERT INTO officers (person_id, unit_id) SELECT $1, id FROM units WHERE code = $2`, [personId, unit]);
  const link = await createSignInLink(rt.db.pool, personId, rt.config.publicBaseUrl);
  const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
  return { personId, chat, headers: { authorization: `Bearer ${res.json().token}` } };
}

async function submitted(unit: string, personId: string): Promise<string> {
  const { rows } = await rt.db.pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, total, verdict, submitted_at)
     SELECT $1, id, 'resident', 'cdht-resident', '1', 2026, 'submitted', 85, 'dat', now() FROM units WHERE code = $2 RETURNING id`,
    [personId, unit],
  );
  return rows[0].id;
}

const decideAs = (headers: Record<string, string>, id: string, payload: object) =>
  rt.app.inject({ method: "POST", url: `/api/v1/assessments/${id}/decision`, headers, payload });

async function stored(id: string) {
  const a = await rt.db.pool.query(`SELECT status, decided_by_id, reason FROM assessments WHERE id = $1`, [id]);
  const d = await rt.db.pool.query(`SELECT decision, decided_by_person_id, channel, reason_code, reason FROM assessment_decisions WHERE assessment_id = $1`, [id]);
  const l = await rt.db.pool.query(`SELECT actor_kind, actor_id, action FROM audit_log WHERE assessment_id = $1 ORDER BY id`, [id]);
  return { assessment: a.rows[0], decisions: d.rows, audit: l.rows };
}

const outboxTo = async (chat: string) =>
  (await rt.db.pool.query(`SELECT lane, payload FROM outbox WHERE channel = 'web' AND recipient = $1 ORDER BY id`, [chat])).rows as { lane: string; payload: { message: { text: string; title?: string } } }[];

describe("a decision through the API", () => {
  it("confirms once, audited as the officer, and tells the citizen through the outbox; a second officer gets 409 naming the first", async () => {
    const first = await officerSession(A, "Cán bộ Một");
    const second = await officerSession(A, "Cán bộ Hai");
    const citizen = await chatPerson("Nguyễn Văn Dân");
    const id = await submitted(A, citizen.personId);

    const res = await decideAs(first.headers, id, { decision: "confirmed" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ assessmentId: id, decision: "confirmed" });
    const s = await stored(id);
    expect(s.assessment).toEqual({ status: "confirmed", decided_by_id: first.personId, reason: null });
    expect(s.decisions).toEqual([{ decision: "confirmed", decided_by_person_id: first.personId, channel: "web", reason_code: null, reason: null }]);
    expect(s.audit).toEqual([{ actor_kind: "officer", actor_id: first.personId, action: "assessment.decide" }]);
    const told = await outboxTo(citizen.chat);
    expect(told).toHaveLength(1);
    expect(told[0]!.lane).toBe("notice");
    expect(`${told[0]!.payload.message.title}\n${told[0]!.payload.message.text}`).toContain("2026");
    expect(await outboxTo(first.chat)).toEqual([]); // the officer sees the outcome on the dashboard

    const late = await decideAs(second.headers, id, { decision: "rejected", reasonCode: "not_member" });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: "already_decided", details: { earlier: { status: "confirmed", byName: "Cán bộ Một" } } });
    expect(await stored(id)).toEqual(s);
    expect(await outboxTo(citizen.chat)).toHaveLength(1);
  });

  it("rejects with the officer's reason, which the citizen reads", async () => {
    const officer = await officerSession(A, "Cán bộ Ba");
    const citizen = await chatPerson("Trần Thị Dân");
    const id = await submitted(A, citizen.personId);
    const bare = await decideAs(officer.headers, id, { decision: "rejected" });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.code).toBe("reason_required");
    expect((await stored(id)).assessment.status).toBe("submitted");
    expect(await outboxTo(citizen.chat)).toEqual([]);

    const res = await decideAs(officer.headers, id, { decision: "rejected", reason: "Chưa có minh chứng tham gia lớp học" });
    expect(res.statusCode).toBe(200);
    expect((await stored(id)).assessment).toMatchObject({ status: "rejected", reason: "Chưa có minh chứng tham gia lớp học" });
    expect((await outboxTo(citizen.chat))[0]!.payload.message.text).toContain("Chưa có minh chứng tham gia lớp học");
  });

  it("is refused for one's own assessment, another unit's, the administrator and bad input, changing nothing", async () => {
    const officer = await officerSession(A, "Cán bộ Bốn");
    const own = await submitted(A, officer.personId);
    const citizenB = await chatPerson("Dân xã B");
    const ofB = await submitted(B, citizenB.personId);
    const before = [await stored(own), await stored(ofB)];

    const mine = await decideAs(officer.headers, own, { decision: "confirmed" });
    expect(mine.statusCode).toBe(403);
    expect(mine.json().error.code).toBe("own_assessment");
    const other = await decideAs(officer.headers, ofB, { decision: "confirmed" });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe("assessment_not_found");
    const asAdmin = await decideAs(admin, ofB, { decision: "confirmed" });
    expect(asAdmin.statusCode).toBe(403);
    expect(asAdmin.json().error.code).toBe("officers_decide");
    for (const payload of [{ decision: "maybe" }, { decision: "rejected", reasonCode: "DROP TABLE" }, { decision: "confirmed", reason: "x".repeat(1001) }]) {
      const bad = await decideAs(officer.headers, ofB, payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json()).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
    }
    const junk = await decideAs(officer.headers, `not-a-${randomBytes(2).toString("hex")}`, { decision: "confirmed" });
    expect(junk.statusCode).toBe(404);
    expect([await stored(own), await stored(ofB)]).toEqual(before);
    expect(await outboxTo(citizenB.chat)).toEqual([]);
  });
});
