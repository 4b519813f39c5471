// Decisions: who may decide, first decision wins, own assessments refused, withdrawn shown as such, lead
// revisions within the window, everything audited; the audit log refuses changes.
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { decide, revise, type DecideInput } from "../../../server/review/decide.ts";
import { reviewDetails } from "../../../server/review/details.ts";
import { DAY, REVIEW, reviewFixtures } from "../../support/review-fixtures.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 6 });
afterAll(() => pool.end());
const f = reviewFixtures(pool);
const now = new Date();
const input = (assessmentId: string, personId: string, extra: Partial<DecideInput> = {}): DecideInput => ({
  assessmentId, personId, decision: "confirmed", channel: "telegram", now, ...extra,
});

describe("decide", () => {
  it("lets the unit's officer confirm, records the decision and its audit entry", async () => {
    const unit = await f.unit("Xã Quyết");
    const officer = await f.officer(unit.code, "officer", "Đỗ Văn Duyệt");
    const a = await f.submitted(unit.id, new Date(now.getTime() - DAY));
    const r = await decide(pool, input(a.id, officer, { channel: "web" }), REVIEW);
    expect(r).toMatchObject({ ok: true, value: { decision: "confirmed", citizenPersonId: a.personId, unitId: unit.id } });
    expect(await f.status(a.id)).toBe("confirmed");
    const { rows } = await pool.query(`SELECT decided_by_id, decided_at FROM assessments WHERE id = $1`, [a.id]);
    expect(rows[0]).toEqual({ decided_by_id: officer, decided_at: now });
    const audit = await f.audit(a.id);
    expect(audit).toEqual([
      {
        actor_kind: "officer", actor_id: officer, action: "assessment.decide",
        details: expect.objectContaining({ channel: "web", status_before: "submitted", status_after: "confirmed", reason_given: false }),
      },
    ]);
  });

  it("refuses officers of another unit, a forged id and one's own assessment, changing nothing", async () => {
    const unit = await f.unit("Xã Một");
    const elsewhere = await f.unit("Xã Hai");
    const stranger = await f.officer(elsewhere.code, "lead");
    const officer = await f.officer(unit.code);
    const a = await f.submitted(unit.id, now);
    expect(await decide(pool, input(a.id, stranger), REVIEW)).toMatchObject({ ok: false, code: "not_allowed" });
    expect(await decide(pool, input("not-a-uuid", officer), REVIEW)).toMatchObject({ ok: false, code: "not_found" });
    expect(await decide(pool, input("00000000-0000-4000-8000-000000000000", officer), REVIEW)).toMatchObject({ ok: false, code: "not_found" });
    const mine = await f.submitted(unit.id, now, officer);
    expect(await decide(pool, input(mine.id, officer), REVIEW)).toMatchObject({ ok: false, code: "own" });
    expect(await f.status(a.id)).toBe("submitted");
    expect(await f.status(mine.id)).toBe("submitted");
    expect(await f.audit(a.id)).toEqual([]);
  });

  it("gives one decision when two officers decide at once; the other is told who and when", async () => {
    const unit = await f.unit("Xã Đồng Thời");
    const one = await f.officer(unit.code, "officer", "Officer Một");
    const two = await f.officer(unit.code, "officer", "Officer Hai");
    for (let round = 0; round < 5; round++) {
      const a = await f.submitted(unit.id, now);
      const run = async (personId: string, decision: DecideInput["decision"]) => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const r = await decide(client, input(a.id, personId, { decision, reasonCode: "missing_evidence" }), REVIEW);
          await client.query("COMMIT");
          return r;
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
      };
      const results = await Promise.all([run(one, "confirmed"), run(two, "rejected")]);
      const won = results.filter((r) => r.ok);
      const lost = results.filter((r) => !r.ok);
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.objectContaining({ code: "already_decided" })]);
      const winner = won[0]!.ok ? won[0]!.value : undefined;
      const loser = lost[0]!;
      if (loser.ok || loser.code !== "already_decided") throw new Error("expected already_decided");
      expect(loser.earlier).toMatchObject({ status: winner!.decision, at: now, byName: winner!.decision === "confirmed" ? "Officer Một" : "Officer Hai" });
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM assessment_decisions WHERE assessment_id = $1`, [a.id]);
      expect(rows[0].n).toBe(1);
      expect(await f.audit(a.id)).toHaveLength(1);
    }
  });

  it("asks for a reason to reject or to ask for more, and keeps it with the decision", async () => {
    const unit = await f.unit("Xã Lý Do");
    const officer = await f.officer(unit.code);
    const a = await f.submitted(unit.id, now);
    expect(await decide(pool, input(a.id, officer, { decision: "rejected" }), REVIEW)).toMatchObject({ ok: false, code: "reason_required" });
    expect(await decide(pool, input(a.id, officer, { decision: "needs_more", reason: "  " }), REVIEW)).toMatchObject({ ok: false, code: "reason_required" });
    const r = await decide(pool, input(a.id, officer, { decision: "needs_more", reason: "Bổ sung ảnh giấy chứng nhận", questions: ["q1", "q7"] }), REVIEW);
    expect(r.ok).toBe(true);
    const { rows } = await pool.query(`SELECT reason, details FROM assessment_decisions WHERE assessment_id = $1`, [a.id]);
    expect(rows).toEqual([{ reason: "Bổ sung ảnh giấy chứng nhận", details: { questions: ["q1", "q7"] } }]);
    expect(await f.status(a.id)).toBe("needs_more");
  });

  it("shows a withdrawn assessment as withdrawn and does not decide it", async () => {
    const unit = await f.unit("Xã Rút");
    const officer = await f.officer(unit.code);
    const a = await f.submitted(unit.id, now);
    await pool.query(`UPDATE assessments SET status = 'withdrawn' WHERE id = $1`, [a.id]);
    expect(await decide(pool, input(a.id, officer), REVIEW)).toMatchObject({ ok: false, code: "withdrawn" });
    expect(await reviewDetails(pool, { assessmentId: a.id, personId: officer, now }, REVIEW)).toMatchObject({ ok: true, value: { status: "withdrawn", evidenceCount: 1 } });
  });

  it("lets leads of the parent unit decide, parent officers only for units without officers or once escalated", async () => {
    const parent = await f.unit("Xã Cha");
    const child = await f.unit("Thôn Con", parent.id);
    const orphan = await f.unit("Thôn Mồ Côi", parent.id);
    await f.officer(child.code);
    const lead = await f.officer(parent.code, "lead");
    const parentOfficer = await f.officer(parent.code, "officer");
    const fresh = await f.submitted(child.id, now);
    const old = await f.submitted(child.id, new Date(now.getTime() - (REVIEW.parentDays + 1) * DAY));
    const orphaned = await f.submitted(orphan.id, now);
    expect(await decide(pool, input(fresh.id, parentOfficer), REVIEW)).toMatchObject({ ok: false, code: "not_allowed" });
    expect(await decide(pool, input(old.id, parentOfficer), REVIEW)).toMatchObject({ ok: true });
    expect(await decide(pool, input(orphaned.id, parentOfficer), REVIEW)).toMatchObject({ ok: true });
    expect(await decide(pool, input(fresh.id, lead), REVIEW)).toMatchObject({ ok: true });
  });
});

describe("revise", () => {
  it("lets a lead change a decision within the window, audited with the status before and after", async () => {
    const unit = await f.unit("Xã Sửa");
    const officer = await f.officer(unit.code);
    const lead = await f.officer(unit.code, "lead", "Trưởng Ban");
    const a = await f.submitted(unit.id, now);
    await decide(pool, input(a.id, officer, { decision: "rejected", reasonCode: "not_member" }), REVIEW);
    expect(await revise(pool, input(a.id, officer, { decision: "confirmed" }), REVIEW)).toMatchObject({ ok: false, code: "not_lead" });
    const later = new Date(now.getTime() + DAY);
    const r = await revise(pool, input(a.id, lead, { decision: "confirmed", channel: "zalo", reason: "Đã xác minh lại", now: later }), REVIEW);
    expect(r).toMatchObject({ ok: true, value: { statusBefore: "rejected", decision: "confirmed" } });
    expect(await f.status(a.id)).toBe("confirmed");
    expect((await f.audit(a.id)).map((x) => [x.action, x.actor_id, x.details.status_before, x.details.status_after, x.details.channel])).toEqual([
      ["assessment.decide", officer, "submitted", "rejected", "telegram"],
      ["assessment.revise", lead, "rejected", "confirmed", "zalo"],
    ]);
    const tooLate = new Date(later.getTime() + (REVIEW.reviseDays + 1) * DAY);
    expect(await revise(pool, input(a.id, lead, { decision: "rejected", reasonCode: "other", now: tooLate }), REVIEW)).toMatchObject({ ok: false, code: "too_late" });
    expect(await revise(pool, input(a.id, lead, { decision: "confirmed", now: later }), REVIEW)).toMatchObject({ ok: false, code: "unchanged" });
  });
});

describe("the audit log", () => {
  it("refuses UPDATE and DELETE", async () => {
    const { rows } = await pool.query(`INSERT INTO audit_log (actor_kind, action) VALUES ('test', 'test.append') RETURNING id`);
    await expect(pool.query(`UPDATE audit_log SET action = 'x' WHERE id = $1`, [rows[0].id])).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_log WHERE id = $1`, [rows[0].id])).rejects.toThrow(/append-only/);
  });
});
