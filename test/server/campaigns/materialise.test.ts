// Campaigns against the real database: the plan counts the audience of each round by channel, status
// and reachability; materialisation copies it in chunks, resumes after a crash without duplicates, and
// records opted-out and unreachable people as skipped; status changes follow the allowed transitions.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type pg from "pg";
import { createTranslateSync } from "../../../bot/i18n.ts";
import { seedPopulation } from "../../../bench/broadcast/population.ts";
import { validateDefinition } from "../../../server/campaigns/definition.ts";
import { materialiseRound } from "../../../server/campaigns/materialise.ts";
import { formatPlan, planCampaign } from "../../../server/campaigns/plan.ts";
import { learningWeek } from "../../../server/campaigns/preset.ts";
import { createCampaign, findCampaign, transition, type CampaignRecord } from "../../../server/campaigns/store.ts";
import { createPool } from "../../../server/db/client.ts";
import { testConfig } from "../../support/env.ts";

const N = 3_000;
const tag = `m${randomBytes(3).toString("hex")}`;
const NOW = new Date("2027-09-30T03:00:00Z");
let pool: pg.Pool;
let campaign: CampaignRecord;
let rootCode: string;
const settings = { ...testConfig().campaigns, zalo: { ...testConfig().campaigns.zalo, templateId: "transaction_education", templatePrice: 300 } };

const seq = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
/** Ground truth of the seeded population (bench/broadcast/population.ts). */
const unfinished = seq(N).filter((i) => i % 12 < 8);

beforeAll(async () => {
  pool = createPool({ url: inject("databaseUrl"), max: 4 });
  ({ rootCode } = await seedPopulation(pool, { people: N, tag, year: 2027, now: NOW, villages: 5 }));
  const d = validateDefinition(learningWeek(createTranslateSync(), { year: 2027, from: "2027-10-01", to: "2027-10-07", theme: "Văn hóa đọc", units: [rootCode], zaloBudget: 50_000 }));
  if (!d.ok) throw new Error(d.message);
  const created = await createCampaign(pool, d.value);
  if (!created.ok) throw new Error(created.message);
  campaign = created.value;
}, 120_000);
afterAll(async () => {
  await pool?.end();
});

describe("campaign plan", () => {
  it("counts each round's audience by channel, status and reachability, with Zalo kinds and cost", async () => {
    const plan = await planCampaign(pool, campaign, settings, "Asia/Ho_Chi_Minh", NOW);
    const opening = plan.rounds[0]!;
    const total = opening.counts.reduce((s, c) => s + c.n, 0);
    expect(total).toBe(unfinished.length);
    const count = (f: (c: { channel: string; status: string; reach: string }) => boolean) => opening.counts.filter(f).reduce((s, c) => s + c.n, 0);
    expect(count((c) => c.reach === "opted_out")).toBe(unfinished.filter((i) => i % 50 === 0).length);
    expect(count((c) => c.channel === "telegram" && c.reach === "ok")).toBe(unfinished.filter((i) => i % 10 < 6 && i % 50 !== 0 && i % 97 !== 0).length);
    expect(count((c) => c.status === "needs_more")).toBe(unfinished.filter((i) => i % 12 === 7).length);
    // Zalo users are i % 10 in 6..8, silent for (i / 10) % 60 days before NOW; the round opens 2027-10-01 08:00.
    const zalo = unfinished.filter((i) => i % 10 >= 6 && i % 10 < 9 && i % 50 !== 0 && i % 97 !== 0);
    const silentMs = (i: number) => (Math.floor(i / 10) % 60) * 86_400_000 + (i % 1440) * 60_000;
    const opens = Date.parse("2027-10-01T01:00:00Z");
    const inside = zalo.filter((i) => NOW.getTime() - silentMs(i) >= opens - 7 * 86_400_000);
    expect(count((c) => c.reach === "consultation")).toBe(inside.length);
    expect(count((c) => c.reach === "template")).toBe(zalo.length - inside.length);
    expect(inside.length).toBeGreaterThan(0);
    // Officers: the first person of each village, whose unit has submissions waiting.
    expect(plan.rounds[2]!.counts.reduce((s, c) => s + c.n, 0)).toBe(5);

    const text = formatPlan(plan).join("\n");
    expect(text).toMatch(/Telegram [\d,]+ ≈ \d+ (s|min) at 24\/s/);
    expect(text).toContain(`${inside.length.toLocaleString("en-US")} inside the 7-day window as consultation messages`);
    expect(text).toContain(`need a template message (transaction_education) at 300 đồng (≈ ${((zalo.length - inside.length) * 300).toLocaleString("en-US")} đồng)`);
    expect(text).toMatch(/> budget 50,000 đồng: the campaign stops paid Zalo messages at the budget/);
  });
});

describe("materialisation", () => {
  it("copies the round's audience in chunks, resumes after a crash without duplicates, and skips with reasons", async () => {
    let chunks = 0;
    const crash = new Error("crash after two chunks");
    await expect(
      materialiseRound(pool, campaign, 1, { chunkSize: 500, onChunk: () => { if (++chunks === 2) throw crash; } }),
    ).rejects.toBe(crash);
    const { rows: partial } = await pool.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1`, [campaign.id]);
    expect(partial[0].n).toBeGreaterThan(0);
    expect(partial[0].n).toBeLessThan(unfinished.length);

    const done = await materialiseRound(pool, campaign, 1, { chunkSize: 500 });
    expect(done).toEqual({ materialised: unfinished.length, complete: true });
    expect(await materialiseRound(pool, campaign, 1)).toEqual({ materialised: unfinished.length, complete: true });

    const { rows } = await pool.query(
      `SELECT status::text, reason, count(*)::int AS n, count(DISTINCT person_id)::int AS people FROM campaign_recipients
        WHERE campaign_id = $1 AND round = 1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [campaign.id],
    );
    const opted = unfinished.filter((i) => i % 50 === 0).length;
    const unreachable = unfinished.filter((i) => i % 50 !== 0 && i % 97 === 0).length;
    expect(rows).toEqual([
      { status: "pending", reason: null, n: unfinished.length - opted - unreachable, people: unfinished.length - opted - unreachable },
      { status: "skipped", reason: "opted_out", n: opted, people: opted },
      { status: "skipped", reason: "unreachable", n: unreachable, people: unreachable },
    ]);
    const { rows: who } = await pool.query(
      `SELECT count(*)::int AS n FROM campaign_recipients r WHERE campaign_id = $1 AND person_id = md5($2 || ':' || 13)::uuid`,
      [campaign.id, tag],
    );
    expect(who[0].n).toBe(1); // 13 % 12 = 1: not started, in the opening round; 22 % 12 = 10: confirmed, not
    const { rows: confirmed } = await pool.query(
      `SELECT count(*)::int AS n FROM campaign_recipients r WHERE campaign_id = $1 AND person_id = md5($2 || ':' || 22)::uuid`,
      [campaign.id, tag],
    );
    expect(confirmed[0].n).toBe(0);
  });
});

describe("status transitions", () => {
  it("starts a draft, pauses and resumes it, refuses what its status does not allow, and a cancel skips what is pending", async () => {
    const d = validateDefinition(learningWeek(createTranslateSync(), { year: 2027, from: "2027-10-01", to: "2027-10-07", units: [rootCode] }));
    if (!d.ok) throw new Error(d.message);
    const created = await createCampaign(pool, d.value);
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    expect(await transition(pool, id, "pause")).toMatchObject({ ok: false, code: "wrong_status", message: "campaign is draft: pause needs it running" });
    expect(await transition(pool, id, "start")).toMatchObject({ ok: true, value: { status: "running" } });
    expect(await transition(pool, id, "start")).toMatchObject({ ok: false, code: "wrong_status" });
    expect(await transition(pool, id, "pause")).toMatchObject({ ok: true, value: { status: "paused" } });
    expect(await transition(pool, id, "resume")).toMatchObject({ ok: true, value: { status: "running" } });
    await materialiseRound(pool, (await findCampaign(pool, id) as { value: CampaignRecord }).value, 1);
    expect(await transition(pool, id, "cancel")).toMatchObject({ ok: true, value: { status: "cancelled" } });
    const { rows } = await pool.query(`SELECT DISTINCT status::text, reason FROM campaign_recipients WHERE campaign_id = $1 AND reason IS DISTINCT FROM 'opted_out' AND reason IS DISTINCT FROM 'unreachable'`, [id]);
    expect(rows).toEqual([{ status: "skipped", reason: "cancelled" }]);
    expect(await transition(pool, id, "resume")).toMatchObject({ ok: false, message: "campaign is cancelled: resume needs it paused" });
    expect(await findCampaign(pool, id.slice(0, 8))).toMatchObject({ ok: true, value: { id } });
    expect(await findCampaign(pool, "zz")).toMatchObject({ ok: false, code: "invalid" });
  });
});
