// The queue: an officer's pending submissions, oldest first, paged by keyset without gaps or repeats;
// counts; nothing from other units, nothing of their own, nothing decided or withdrawn.
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { decide } from "../../../server/review/decide.ts";
import { queueCounts, queuePage, type QueueCursor } from "../../../server/review/queue.ts";
import { DAY, REVIEW, reviewFixtures } from "../../support/review-fixtures.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 3 });
afterAll(() => pool.end());
const f = reviewFixtures(pool);
const now = new Date();
const ago = (days: number, minutes = 0) => new Date(now.getTime() - days * DAY - minutes * 60_000);

describe("queuePage", () => {
  it("pages through the officer's pending submissions oldest first, each once", async () => {
    const unit = await f.unit("Xã Hàng Chờ");
    const other = await f.unit("Xã Khác");
    const officer = await f.officer(unit.code);
    const ids: string[] = [];
    // Same submission time for several: the id breaks ties, so paging still sees each once.
    for (let i = 0; i < 12; i++) ids.push((await f.submitted(unit.id, ago(5 - Math.floor(i / 3), 0))).id);
    await f.submitted(other.id, ago(10));
    await f.submitted(unit.id, ago(20), officer); // their own
    const decided = await f.submitted(unit.id, ago(30));
    const colleague = await f.officer(unit.code);
    expect((await decide(pool, { assessmentId: decided.id, personId: colleague, decision: "confirmed", channel: "web", now }, REVIEW)).ok).toBe(true);
    const withdrawn = await f.submitted(unit.id, ago(30));
    await pool.query(`UPDATE assessments SET status = 'withdrawn' WHERE id = $1`, [withdrawn.id]);

    const seen: string[] = [];
    let after: QueueCursor | undefined;
    let pages = 0;
    do {
      const page = await queuePage(pool, { personId: officer, now, after, limit: 5 }, REVIEW);
      seen.push(...page.items.map((i) => i.assessmentId));
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    const expected = (await pool.query(`SELECT id FROM assessments WHERE id = ANY($1) ORDER BY submitted_at, id`, [ids])).rows.map((r) => r.id);
    expect(seen).toEqual(expected);
    const first = await queuePage(pool, { personId: officer, now, limit: 1 }, REVIEW);
    expect(first.items[0]).toMatchObject({ unit: { code: unit.code }, total: 85, verdict: "dat", birthYear: 1980, fullName: expect.stringMatching(/^Công dân/) });

    expect(await queueCounts(pool, { personId: officer, now }, REVIEW)).toEqual({ pending: 12, overdue: 6, oldest: ago(5) }) // days 5 and 4 are past REVIEW_REMIND_DAYS (3);
  });

  it("includes child units for a lead of the parent, and escalated ones for the parent's officers", async () => {
    const parent = await f.unit("Xã Mẹ");
    const child = await f.unit("Thôn A", parent.id);
    await f.officer(child.code);
    const lead = await f.officer(parent.code, "lead");
    const officer = await f.officer(parent.code);
    await f.submitted(child.id, ago(1));
    const old = await f.submitted(child.id, ago(REVIEW.parentDays + 1));
    const leadQueue = await queuePage(pool, { personId: lead, now }, REVIEW);
    expect(leadQueue.items).toHaveLength(2);
    const officerQueue = await queuePage(pool, { personId: officer, now }, REVIEW);
    expect(officerQueue.items.map((i) => i.assessmentId)).toEqual([old.id]);
    expect(await queueCounts(pool, { personId: officer, now }, REVIEW)).toMatchObject({ pending: 1 });
  });

  it("is empty for a citizen who is no officer", async () => {
    const citizen = await f.person("Không phải cán bộ");
    expect(await queuePage(pool, { personId: citizen, now }, REVIEW)).toEqual({ items: [] });
    expect(await queueCounts(pool, { personId: citizen, now }, REVIEW)).toEqual({ pending: 0, overdue: 0, oldest: null });
  });
});
