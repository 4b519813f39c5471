// Reminders and escalation by how long submissions have waited, over fake days; notices to a unit's
// officers or its parent's; digests; units nobody covers.
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { setNoticePreference } from "../../../server/officers/store.ts";
import { digestRecipients, noticeRecipients, reminderTargets, unitsWithoutOfficers } from "../../../server/review/reminders.ts";
import { DAY, REVIEW, reviewFixtures } from "../../support/review-fixtures.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 3 });
afterAll(() => pool.end());
const f = reviewFixtures(pool);
const t0 = new Date("2026-10-01T01:00:00Z");
const day = (n: number) => new Date(t0.getTime() + n * DAY);

describe("reminderTargets over fake days", () => {
  it("reminds the unit's officers after 3 days, its leads after 7, the parent's officers after 14", async () => {
    const parent = await f.unit("Xã Nhắc");
    const unit = await f.unit("Thôn Nhắc", parent.id);
    const officer = await f.officer(unit.code);
    const lead = await f.officer(unit.code, "lead");
    const parentOfficer = await f.officer(parent.code);
    await f.submitted(unit.id, t0);
    await f.submitted(unit.id, day(2));
    const mine = (targets: Awaited<ReturnType<typeof reminderTargets>>) =>
      Object.fromEntries(
        targets
          .filter((t) => [officer, lead, parentOfficer].includes(t.personId))
          .map((t) => [t.personId === officer ? "officer" : t.personId === lead ? "lead" : "parent", t.items.filter((i) => i.unit.id === unit.id).map((i) => `${i.level}:${i.count}`)]),
      );
    expect(mine(await reminderTargets(pool, day(2), REVIEW))).toEqual({});
    expect(mine(await reminderTargets(pool, day(3.5), REVIEW))).toEqual({ officer: ["remind:1"], lead: ["remind:1"] });
    expect(mine(await reminderTargets(pool, day(6), REVIEW))).toEqual({ officer: ["remind:2"], lead: ["remind:2"] });
    expect(mine(await reminderTargets(pool, day(7.5), REVIEW))).toEqual({ officer: ["remind:2"], lead: ["escalate:1"] });
    expect(mine(await reminderTargets(pool, day(14.5), REVIEW))).toEqual({ officer: ["remind:2"], lead: ["escalate:2"], parent: ["parent:1"] });
  });

  it("escalates to the parent's officers when the unit has no lead, and sends an officer-less unit's there at once", async () => {
    const parent = await f.unit("Xã Trên");
    const noLead = await f.unit("Thôn Không Trưởng", parent.id);
    const nobody = await f.unit("Thôn Trống", parent.id);
    await f.officer(noLead.code);
    const parentOfficer = await f.officer(parent.code);
    await f.submitted(noLead.id, t0);
    await f.submitted(nobody.id, t0);
    const at = (targets: Awaited<ReturnType<typeof reminderTargets>>) =>
      targets.find((t) => t.personId === parentOfficer)?.items.map((i) => `${i.unit.code}:${i.level}:${i.count}`) ?? [];
    expect(at(await reminderTargets(pool, day(4), REVIEW))).toEqual([`${nobody.code}:orphan:1`]);
    expect((at(await reminderTargets(pool, day(8), REVIEW))).sort()).toEqual([`${noLead.code}:escalate:1`, `${nobody.code}:orphan:1`].sort());

    const recipients = await noticeRecipients(pool, (await f.submitted(nobody.id, day(8))).id, day(8), REVIEW);
    expect(recipients).toEqual([{ personId: parentOfficer, mode: "immediate" }]);
    const uncovered = await unitsWithoutOfficers(pool);
    expect(uncovered.find((u) => u.unit.id === nobody.id)).toMatchObject({ pending: 2, coveredByParent: true, parentCode: parent.code });
    expect(uncovered.find((u) => u.unit.id === noLead.id)).toBeUndefined();
  });
});

describe("notices and digests", () => {
  it("notifies the unit's officers (not the submitter) immediately, or in the digest they chose or their volume calls for", async () => {
    const unit = await f.unit("Xã Thông Báo");
    const a = await f.officer(unit.code);
    const b = await f.officer(unit.code);
    await setNoticePreference(pool, b, { mode: "digest", digestHour: 17 });
    const own = await f.submitted(unit.id, t0, a);
    expect(await noticeRecipients(pool, own.id, t0, REVIEW)).toEqual([{ personId: b, mode: "digest" }]);
    const s = await f.submitted(unit.id, t0);
    expect(new Set(await noticeRecipients(pool, s.id, t0, REVIEW))).toEqual(new Set([{ personId: a, mode: "immediate" }, { personId: b, mode: "digest" }]));
    expect(await noticeRecipients(pool, s.id, t0, { digestAbove: 1 })).toEqual(expect.arrayContaining([{ personId: a, mode: "digest" }]));

    const at17 = await digestRecipients(pool, { now: t0, hour: 17 }, REVIEW);
    expect(at17).toContain(b);
    expect(at17).not.toContain(a);
    const busy = await digestRecipients(pool, { now: t0, hour: REVIEW.digestHour }, { ...REVIEW, digestAbove: 1 });
    expect(busy).toContain(a);
    expect(busy).not.toContain(b);
  });
});
