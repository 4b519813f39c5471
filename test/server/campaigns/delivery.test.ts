// Campaign delivery over fake days against the real pipeline, outbox workers and a fake Telegram Bot
// API: rounds go out inside the daily send window only, each (campaign, round, person) once; a citizen
// who taps "Ngừng nhận tin nhắc" is opted out in the database and gets no later round; pause holds
// everything back until resume; the per-person cap holds across two overlapping campaigns; a Zalo
// budget stops paid messages and the campaign says so.
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPopulation } from "../../../bench/broadcast/population.ts";
import { CAMPAIGN_BUTTON_DATA, stopButtonData } from "../../../bot/campaigns/buttons.ts";
import type { CampaignSettings } from "../../../server/config.ts";
import { validateDefinition, type CampaignDefinitionInput } from "../../../server/campaigns/definition.ts";
import { formatPlan, planCampaign } from "../../../server/campaigns/plan.ts";
import { campaignStats, formatStats } from "../../../server/campaigns/stats.ts";
import { createCampaign, findCampaign, transition, type CampaignRecord } from "../../../server/campaigns/store.ts";
import { runCampaignTick, type CampaignTickDeps } from "../../../server/campaigns/tick.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { waitFor } from "../../support/processes.ts";
import { telegramRuntime } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let deps: CampaignTickDeps;
const TZ = "Asia/Ho_Chi_Minh";
/** Local wall-clock time in Vietnam (UTC+7) of 2027-10-<day>. */
const at = (day: number, hhmm: string) => new Date(`2027-10-${String(day).padStart(2, "0")}T${hhmm}:00+07:00`);

function settings(over: Partial<CampaignSettings> = {}, zalo: Partial<CampaignSettings["zalo"]> = {}): CampaignSettings {
  const base = rt.config.campaigns;
  return { ...base, telegramPerSecond: 1000, ...over, zalo: { ...base.zalo, ...zalo } };
}

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await telegramRuntime(fake);
  deps = {
    pool: rt.db.pool, redis: rt.redis, prefix: rt.config.redisPrefix, handleSystem: rt.handleSystem,
    settings: settings(), timeZone: TZ, logger: rt.logger,
    // A tick does all that is due, however slow the machine (production ticks continue next time).
    maxTickMs: 120_000,
  };
}, 60_000);
afterAll(async () => {
  await rt?.close();
  await fake?.stop();
});

interface Population {
  tag: string;
  rootCode: string;
  chats: string[];
  personOf: (chat: string) => Promise<string>;
}

async function population(people: number, channels: [number, number, number] = [10, 0, 0], now = at(1, "00:00")): Promise<Population> {
  const tag = `d${randomBytes(3).toString("hex")}`;
  const base = randomInt(1_000_000_000, 2_000_000_000);
  const { rootCode } = await seedPopulation(rt.db.pool, { people, tag, year: 2027, villages: 2, channels, telegramBase: base, states: true, now });
  const { rows } = await rt.db.pool.query(
    `SELECT ca.external_id FROM channel_accounts ca JOIN people p ON p.id = ca.person_id JOIN units u ON u.id = p.unit_id
      WHERE u.code LIKE $1 || '%' AND ca.reachable AND p.opt_out_at IS NULL ORDER BY 1`,
    [rootCode],
  );
  return {
    tag, rootCode, chats: rows.map((r) => r.external_id),
    personOf: async (chat) => (await rt.db.pool.query(`SELECT person_id FROM channel_accounts WHERE external_id = $1`, [chat])).rows[0].person_id,
  };
}

async function campaign(def: Partial<CampaignDefinitionInput> & { units: string[] }): Promise<CampaignRecord> {
  const { units, ...rest } = def;
  const d = validateDefinition({
    name: "Thử nghiệm", year: 2027, from: "2027-10-01", to: "2027-10-04",
    audience: { units, channels: ["telegram", "zalo", "web"] },
    rounds: [
      { day: 1, message: { vi: "Kính gửi {{address}} {{name}}: vòng 1" }, buttons: ["continue"] },
      { day: 3, message: { vi: "Kính gửi {{address}} {{name}}: vòng 2" }, buttons: ["continue"] },
    ],
    ...rest,
  });
  if (!d.ok) throw new Error(d.message);
  const created = await createCampaign(rt.db.pool, d.value);
  if (!created.ok) throw new Error(created.message);
  return created.value;
}

const sent = (chat: string) => fake.messages(chat).map((m) => String(m.body.text));
const sentAll = (p: Population) => p.chats.flatMap(sent);

async function settled(): Promise<void> {
  await waitFor(async () => {
    // This runtime delivers Telegram only: Zalo rows stay in the outbox.
    const { rows } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE channel = 'telegram' AND lane = 'bulk' AND status IN ('pending', 'sending')`);
    return rows[0].n === 0 || undefined;
  }, 30_000, "bulk outbox drained");
}

describe("campaign delivery over fake days", () => {
  it("sends each round inside the send window only, once per person; a tap on Ngừng nhận tin nhắc stops the later rounds", async () => {
    const p = await population(12);
    const c = await campaign({ units: [p.rootCode] });
    expect((await transition(rt.db.pool, c.id, "start")).ok).toBe(true);

    await runCampaignTick(deps, at(1, "07:00"));
    await settled();
    expect(sentAll(p)).toEqual([]);
    const { rows: waiting } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending'`, [c.id]);
    expect(waiting[0].n).toBe(p.chats.length);

    await runCampaignTick(deps, at(1, "08:00"));
    await runCampaignTick(deps, at(1, "08:05")); // a second tick finds nothing more to send
    await settled();
    for (const chat of p.chats) {
      const got = fake.messages(chat);
      expect(got.map((m) => m.body.text), chat).toEqual([expect.stringMatching(/^Kính gửi (ông\/bà|anh\/chị|bạn) Người dân \d+: vòng 1$/)]);
      const buttons = got[0]!.body.reply_markup.inline_keyboard.flat().map((b: { text: string; callback_data: string }) => [b.text, b.callback_data]);
      // "Bắt đầu" / "Tiếp tục tự đánh giá" for the unfinished; "Ngừng nhận tin nhắc" on every message.
      expect(buttons.at(-1)).toEqual(["Ngừng nhận tin nhắc", stopButtonData(c.id, 1)]);
      if (buttons.length === 2) expect(buttons[0]).toEqual([expect.stringMatching(/^(Bắt đầu|Tiếp tục tự đánh giá)$/), CAMPAIGN_BUTTON_DATA.continue]);
      else expect(buttons.length).toBe(1);
    }

    // One citizen stops reminders with the message's button, through the real webhook pipeline.
    const quitter = p.chats[0]!;
    const input = (chat: string, event: Parameters<Runtime["handleInbound"]>[0]["event"], when: Date) =>
      rt.handleInbound({ channel: "telegram", externalUserId: chat, eventId: `cb-${randomBytes(4).toString("hex")}`, event, at: when });
    const stopData = fake.messages(quitter)[0]!.body.reply_markup.inline_keyboard.flat().at(-1).callback_data;
    const outcome = await input(quitter, { type: "button", data: stopData }, at(2, "10:00"));
    expect(outcome.status).toBe("applied");
    const person = await p.personOf(quitter);
    const { rows: opt } = await rt.db.pool.query(`SELECT opt_out_at FROM people WHERE id = $1`, [person]);
    expect(opt[0].opt_out_at).toBeInstanceOf(Date);
    // Another answers the campaign message with /stop: also through this campaign. A third writes
    // something else first and stops reminders later: an opt-out, but not through this campaign's message.
    const replier = p.chats[1]!;
    const later = p.chats[2]!;
    expect((await input(replier, { type: "command", name: "stop" }, at(2, "10:01"))).status).toBe("applied");
    expect((await input(later, { type: "text", text: "xin chào" }, at(2, "10:02"))).status).toBe("applied");
    expect((await input(later, { type: "command", name: "stop" }, at(2, "10:03"))).status).toBe("applied");
    const { rows: attributed } = await rt.db.pool.query(
      `SELECT a.external_id FROM campaign_recipients r JOIN channel_accounts a ON a.person_id = r.person_id
        WHERE r.campaign_id = $1 AND r.opted_out_at IS NOT NULL ORDER BY 1`,
      [c.id],
    );
    expect(attributed.map((r) => r.external_id)).toEqual([quitter, replier].sort());
    const { rows: allOut } = await rt.db.pool.query(
      `SELECT count(*)::int AS n FROM people p JOIN channel_accounts a ON a.person_id = p.id WHERE a.external_id = ANY($1) AND p.opt_out_at IS NOT NULL`,
      [[quitter, replier, later]],
    );
    expect(allOut[0].n).toBe(3);
    const stopped = new Set([quitter, replier, later]);

    await runCampaignTick(deps, at(2, "09:00"));
    await runCampaignTick(deps, at(3, "21:00")); // round 2's day, after the window: it waits
    await settled();
    expect(p.chats.flatMap((chat) => sent(chat).filter((t) => t.endsWith("vòng 2")))).toEqual([]);

    await runCampaignTick(deps, at(3, "08:30"));
    await settled();
    for (const chat of p.chats) {
      expect(sent(chat).filter((t) => t.endsWith("vòng 2")).length, chat).toBe(stopped.has(chat) ? 0 : 1);
    }
    const { rows: skipped } = await rt.db.pool.query(
      `SELECT status::text, reason FROM campaign_recipients WHERE campaign_id = $1 AND round = 2 AND person_id = $2`,
      [c.id, person],
    );
    expect(skipped).toEqual([{ status: "skipped", reason: "opted_out" }]);

    await runCampaignTick(deps, at(5, "09:00"));
    const done = await findCampaign(rt.db.pool, c.id);
    expect(done).toMatchObject({ ok: true, value: { status: "finished" } });
    const stats = await campaignStats(rt.db.pool, (done as { value: CampaignRecord }).value);
    expect(stats.map((s) => [s.round, s.materialised, s.sent])).toEqual([[1, p.chats.length, p.chats.length], [2, p.chats.length, p.chats.length - 3]]);
    expect(stats[1]!.skipped).toEqual({ opted_out: 3 });
    // Opted out through this campaign: the button and the reply, not the later /stop (all three within 48 h).
    expect(stats.map((s) => s.optedOut)).toEqual([2, 0]);
    expect(formatStats((done as { value: CampaignRecord }).value, stats).join("\n")).toContain("opted out through this campaign 2");
    // Nothing was sent twice: one outbox row per (campaign, round, person).
    const { rows: dup } = await rt.db.pool.query(
      `SELECT count(*)::int AS n FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id WHERE r.campaign_id = $1`, [c.id]);
    expect(dup[0].n).toBe(2 * p.chats.length - 3);
    // A forged stop payload (Zalo lets anyone type one) naming no real campaign: an opt-out, attributed to nothing.
    expect((await input(p.chats[3]!, { type: "button", data: "R.st.not-a-campaign.1" }, at(5, "10:00"))).status).toBe("applied");
    const { rows: still } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE opted_out_at IS NOT NULL AND campaign_id = $1`, [c.id]);
    expect(still[0].n).toBe(2);
  }, 120_000);

  it("an opt-out on one channel stops campaign messages on every channel; /start on another turns them back on", async () => {
    const p = await population(1);
    const chat = p.chats[0]!;
    const person = await p.personOf(chat);
    const zaloUser = `z${randomBytes(6).toString("hex")}`;
    await rt.db.pool.query(
      `INSERT INTO channel_accounts (channel, external_id, person_id, state, last_interaction_at)
       SELECT 'zalo', $2, person_id, state, last_interaction_at - interval '1 hour' FROM channel_accounts WHERE external_id = $1`,
      [chat, zaloUser],
    );
    const c = await campaign({ units: [p.rootCode] });
    await transition(rt.db.pool, c.id, "start");
    const tap = (channel: "telegram" | "zalo", user: string, event: Parameters<Runtime["handleInbound"]>[0]["event"], when: Date) =>
      rt.handleInbound({ channel, externalUserId: user, eventId: `e-${randomBytes(6).toString("hex")}`, event, at: when });
    await tap("telegram", chat, { type: "button", data: CAMPAIGN_BUTTON_DATA.stop }, at(1, "12:00"));
    const optedOut = async () => {
      const { rows } = await rt.db.pool.query(
        `SELECT p.opt_out_at IS NOT NULL AS person, array_agg((a.state->>'optedOut') ORDER BY a.channel) AS chats
           FROM people p JOIN channel_accounts a ON a.person_id = p.id WHERE p.id = $1 GROUP BY p.id`,
        [person],
      );
      return rows[0];
    };
    expect(await optedOut()).toEqual({ person: true, chats: ["true", "true"] });
    await runCampaignTick(deps, at(1, "13:00"));
    await settled();
    const rounds = () => sent(chat).filter((t) => /vòng \d$/.test(t));
    expect(rounds()).toEqual([]);
    const { rows: outbox } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE recipient = $1`, [zaloUser]);
    expect(outbox[0].n).toBe(0);

    // Explicitly back on, from the other channel.
    await tap("zalo", zaloUser, { type: "command", name: "start" }, at(2, "12:00"));
    expect(await optedOut()).toEqual({ person: false, chats: ["false", "false"] });
    await runCampaignTick(deps, at(3, "09:00"));
    await settled();
    // Round 2 goes to the chat the person used last: Zalo now.
    const { rows: again } = await rt.db.pool.query(
      `SELECT r.channel::text, r.status::text, o.recipient, o.payload->'message'->>'text' AS text FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id
        WHERE r.campaign_id = $1 AND r.round = 2`,
      [c.id],
    );
    expect(again).toEqual([{ channel: "zalo", status: "queued", recipient: zaloUser, text: expect.stringMatching(/vòng 2$/) }]);
    expect(rounds()).toEqual([]);
  }, 60_000);

  it("holds everything back while paused and goes on after resume", async () => {
    const p = await population(6);
    const c = await campaign({ units: [p.rootCode] });
    await transition(rt.db.pool, c.id, "start");
    await transition(rt.db.pool, c.id, "pause");
    await runCampaignTick(deps, at(1, "09:00"));
    await settled();
    expect(sentAll(p)).toEqual([]);
    await transition(rt.db.pool, c.id, "resume");
    await runCampaignTick(deps, at(1, "09:10"));
    await settled();
    expect(sentAll(p).length).toBe(p.chats.length);
  }, 60_000);

  it("sends one campaign message per person per day across two overlapping campaigns", async () => {
    const p = await population(6);
    const a = await campaign({ units: [p.rootCode], name: "Chiến dịch A" });
    const b = await campaign({ units: [p.rootCode], name: "Chiến dịch B", rounds: [{ day: 1, message: { vi: "B: {{name}}" } }] });
    await transition(rt.db.pool, a.id, "start");
    await transition(rt.db.pool, b.id, "start");
    await runCampaignTick(deps, at(1, "09:00"));
    await runCampaignTick(deps, at(1, "10:00"));
    await settled();
    for (const chat of p.chats) expect(sent(chat).length, chat).toBe(1);
    const { rows } = await rt.db.pool.query(
      `SELECT status::text, reason, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = ANY($1::uuid[]) GROUP BY 1, 2 ORDER BY 1`,
      [[a.id, b.id]],
    );
    expect(rows).toEqual([{ status: "pending", reason: "cap", n: p.chats.length }, { status: "queued", reason: null, n: p.chats.length }]);
    await runCampaignTick(deps, at(2, "09:00"));
    await settled();
    for (const chat of p.chats) expect(sent(chat).length, chat).toBe(2);
    const { rows: days } = await rt.db.pool.query(
      `SELECT max(sent)::int AS most FROM campaign_person_days d JOIN people q ON q.id = d.person_id JOIN units u ON u.id = q.unit_id WHERE u.code LIKE $1 || '%'`,
      [p.rootCode],
    );
    expect(days[0].most).toBe(1);
  }, 60_000);

  it("stops paid Zalo messages at the campaign's budget and says so", async () => {
    const p = await population(8, [0, 10, 0], at(1, "06:00"));
    const c = await campaign({ units: [p.rootCode], zaloBudget: 250, rounds: [{ day: 1, message: { vi: "Zalo {{name}}" } }] });
    await transition(rt.db.pool, c.id, "start");
    const zaloDeps = { ...deps, settings: settings({ zaloPerSecond: 1000 }, { consultationPrice: 100 }) };
    await runCampaignTick(zaloDeps, at(1, "09:00"));
    const { rows } = await rt.db.pool.query(
      `SELECT status::text, reason, zalo_kind, count(*)::int AS n, sum(cost)::int AS cost FROM campaign_recipients
        WHERE campaign_id = $1 GROUP BY 1, 2, 3 ORDER BY 1`,
      [c.id],
    );
    expect(rows).toEqual([
      { status: "queued", reason: null, zalo_kind: "consultation", n: 2, cost: 200 },
      { status: "skipped", reason: "budget", zalo_kind: null, n: p.chats.length - 2, cost: 0 },
    ]);
    const now = (await findCampaign(rt.db.pool, c.id)) as { value: CampaignRecord };
    expect(now.value).toMatchObject({ zaloSpent: 200, statusReason: "zalo_budget", status: "running" });
    expect(formatStats(now.value, await campaignStats(rt.db.pool, now.value)).join("\n")).toContain("Zalo budget reached: paid Zalo messages stopped");
  }, 60_000);

  it("sends Zalo campaign messages outside the 7-day window as promotions: planned, priced and held to the OA's daily limit", async () => {
    const p = await population(6, [0, 10, 0], at(1, "06:00"));
    // Four followers silent for 20 days, the rest inside the window.
    await rt.db.pool.query(
      `UPDATE channel_accounts SET last_interaction_at = $2 WHERE external_id = ANY($1)`,
      [p.chats.slice(0, 4), new Date(at(1, "06:00").getTime() - 20 * 86_400_000)],
    );
    const c = await campaign({ units: [p.rootCode], zaloBudget: 100_000, rounds: [{ day: 1, message: { vi: "Zalo {{name}}" } }] });
    const promo = settings({ zaloPerSecond: 1000 }, { promotionTemplate: "promotion", promotionPrice: 250, promotionDailyLimit: 3, consultationPrice: 0 });
    const plan = formatPlan(await planCampaign(rt.db.pool, c, promo, TZ, at(1, "06:00"))).join("\n");
    expect(plan).toContain(`Zalo ${p.chats.length}: ${p.chats.length - 4} inside the 7-day window as consultation messages`);
    expect(plan).toContain("4 outside it as promotion messages (promotion, at most one per person a day) at 250 đồng (≈ 1,000 đồng), 2 days at the OA's 3 a day");
    expect(plan).toContain("Zalo cost ≈ 1,000 đồng within the budget");
    await transition(rt.db.pool, c.id, "start");
    await runCampaignTick({ ...deps, settings: promo }, at(1, "09:00"));
    const { rows } = await rt.db.pool.query(
      `SELECT status::text, reason, zalo_kind, count(*)::int AS n, sum(cost)::int AS cost FROM campaign_recipients
        WHERE campaign_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 3`,
      [c.id],
    );
    // Three promotions today (the OA's limit), the fourth waits for tomorrow.
    expect(rows).toEqual([
      { status: "pending", reason: "zalo_daily_limit", zalo_kind: null, n: 1, cost: 0 },
      { status: "queued", reason: null, zalo_kind: "consultation", n: p.chats.length - 4, cost: 0 },
      { status: "queued", reason: null, zalo_kind: "promotion", n: 3, cost: 750 },
    ]);
    const { rows: day } = await rt.db.pool.query(`SELECT promotions FROM campaign_zalo_days WHERE day = '2027-10-01'`);
    expect(day[0].promotions).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
