// Units, officers and submitted assessments for officer-review tests. Officers are made through the real
// invitation path; citizens' submissions are rows as the inbound pipeline leaves them.
import { randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { acceptInvitation, createInvitation, type OfficerRole } from "../../server/officers/invitations.ts";
import { testConfig } from "./env.ts";

export const REVIEW = testConfig().review;
export const DAY = 86_400_000;

export function reviewFixtures(pool: pg.Pool) {
  const tag = randomBytes(3).toString("hex").toUpperCase();
  let n = 0;
  const f = {
    tag,
    async unit(name: string, parentId?: string): Promise<{ id: string; code: string }> {
      const code = `R${tag}-${++n}`;
      const { rows } = await pool.query(
        `INSERT INTO units (code, name, kind, parent_id) VALUES ($1, $2, 'commune', $3) RETURNING id, code`,
        [code, name, parentId ?? null],
      );
      return rows[0];
    },
    async person(fullName: string, birthYear = 1980): Promise<string> {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO people (id, full_name, birth_year, consent_version, consent_at) VALUES ($1, $2, $3, 'v1', now())`,
        [id, fullName, birthYear],
      );
      return id;
    },
    async officer(unitCode: string, role: OfficerRole = "officer", fullName = `Cán bộ ${++n}`): Promise<string> {
      const personId = await f.person(fullName);
      const issued = await createInvitation(pool, { unitCode, role, expiresInMs: DAY, createdBy: "test", now: new Date() });
      if (!issued.ok) throw new Error(issued.message);
      const accepted = await acceptInvitation(pool, { secret: { token: issued.value.token }, personId, now: new Date() });
      if (!accepted.ok) throw new Error(accepted.message);
      return personId;
    },
    /** A submitted assessment of a new citizen (or of personId) in the unit, submitted at the given time. */
    async submitted(unitId: string, submittedAt: Date, personId?: string): Promise<{ id: string; personId: string }> {
      const pid = personId ?? (await f.person(`Công dân ${++n}`));
      const { rows } = await pool.query(
        `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, answers, evidence, total, verdict, submitted_at)
         VALUES ($1, $2, 'resident', 'cdht-resident', '1', 2026, 'submitted', '{"q1": 3}', '{"q1": [{"kind": "image", "ref": "f1"}]}', 85, 'dat', $3)
         RETURNING id`,
        [pid, unitId, submittedAt],
      );
      return { id: rows[0].id, personId: pid };
    },
    async status(assessmentId: string): Promise<string> {
      const { rows } = await pool.query(`SELECT status FROM assessments WHERE id = $1`, [assessmentId]);
      return rows[0]?.status;
    },
    async audit(assessmentId: string) {
      const { rows } = await pool.query(
        `SELECT actor_kind, actor_id, action, details FROM audit_log WHERE assessment_id = $1 ORDER BY id`,
        [assessmentId],
      );
      return rows;
    },
  };
  return f;
}
