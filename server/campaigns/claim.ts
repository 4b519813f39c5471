// The send-time half of a campaign: pending recipients of the due rounds claimed in batches, each
// re-checked right then – the person still exists and has not opted out, an account still reachable
// (the best one now, on any of the campaign's channels), Zalo's 7-day window (consultation message) or a
// template message outside it at its price within the campaign's budget and the OA's daily limit – and
// the per-person cap across all campaigns counted. One transaction per batch: a claimed row has had its
// cap and cost counted once, whatever happens next (delivery re-drives claimed rows after a crash).
import type pg from "pg";
import { lastReachableAccountSql } from "../accounts/store.ts";
import type { AudienceStatus } from "../../bot/campaigns/types.ts";
import type { CampaignSettings } from "../config.ts";
import type { CampaignRecord } from "./store.ts";

export const ZALO_WINDOW_DAYS = 7;
/** Zalo template (transaction) messages reach users who interacted within the last year. */
export const ZALO_TEMPLATE_DAYS = 365;

export interface ClaimedRow {
  round: number;
  personId: string;
  accountId: string;
  channel: "telegram" | "zalo" | "web";
  status: AudienceStatus;
  zaloKind: "consultation" | "template" | "promotion" | null;
  backlog: number;
  unitName: string | null;
}

export interface ClaimResult {
  claimed: ClaimedRow[];
  /** Rows looked at (claimed, skipped or left waiting). */
  seen: number;
  budgetReached: boolean;
}

interface Candidate {
  round: number;
  person_id: string;
  person_exists: boolean;
  opted_out: boolean;
  account_id: string | null;
  channel: ClaimedRow["channel"] | null;
  last_interaction_at: Date | null;
  status: string;
  backlog: number;
  unit_name: string | null;
}

const SELECT = `
WITH due AS (
  SELECT r.round, r.person_id FROM campaign_recipients r
   WHERE r.campaign_id = $1 AND r.round = ANY($2::smallint[]) AND r.status = 'pending' AND r.channel = $3::channel
     AND NOT (r.reason IS NOT DISTINCT FROM 'zalo_daily_limit' AND r.claimed_at IS NOT NULL AND r.claimed_at >= $6::timestamptz)
     AND NOT EXISTS (SELECT 1 FROM campaign_person_days d WHERE d.person_id = r.person_id AND d.day = $5::date AND d.sent >= $7)
   ORDER BY r.round, r.person_id
   LIMIT $4
   FOR UPDATE OF r SKIP LOCKED
)
SELECT due.round, due.person_id, p.id IS NOT NULL AS person_exists, COALESCE(p.opt_out_at IS NOT NULL, false) AS opted_out,
       a.id AS account_id, a.channel::text AS channel, a.last_interaction_at,
       COALESCE((SELECT s.status::text FROM assessments s
                  WHERE s.person_id = due.person_id AND s.year = $8 AND s.status NOT IN ('withdrawn', 'rejected')
                  ORDER BY s.started_at DESC LIMIT 1), 'not_started') AS status,
       COALESCE(b.n, 0)::int AS backlog, b.unit_name
  FROM due
  LEFT JOIN people p ON p.id = due.person_id AND p.erased_at IS NULL
  LEFT JOIN LATERAL (
    ${lastReachableAccountSql("p.id", "$9::channel[]")}) a ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS n, min(u.name) AS unit_name FROM officers o
      JOIN units u ON u.id = o.unit_id
      JOIN assessments s ON s.unit_id = o.unit_id AND s.year = $8 AND s.status = 'submitted'
     WHERE $10 AND o.person_id = due.person_id AND o.active) b ON true`;

export interface ClaimInput {
  campaign: CampaignRecord;
  rounds: number[];
  channel: "telegram" | "zalo" | "web";
  limit: number;
  /** Local date (yyyy-mm-dd) and the instant its day began, in the deployment's time zone. */
  day: string;
  dayStart: Date;
  now: Date;
  settings: CampaignSettings;
  officerRounds: number[];
}

export async function claimBatch(pool: pg.Pool, input: ClaimInput): Promise<ClaimResult> {
  const { campaign: c, settings, now } = input;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // The campaign row serialises budget spending and sees a pause or cancel that came in meanwhile.
    const { rows: cs } = await client.query(`SELECT status, zalo_budget, zalo_spent FROM campaigns WHERE id = $1 FOR UPDATE`, [c.id]);
    if (cs[0]?.status !== "running") {
      await client.query("ROLLBACK");
      return { claimed: [], seen: 0, budgetReached: false };
    }
    const budget = cs[0].zalo_budget === null ? null : Number(cs[0].zalo_budget);
    let spent = Number(cs[0].zalo_spent);
    const { rows } = await client.query<Candidate>(SELECT, [
      c.id, input.rounds, input.channel, input.limit, input.day, input.dayStart, settings.personDailyCap, c.year,
      c.audience.channels, input.officerRounds.length > 0,
    ]);
    const decided: { round: number; person: string; status: string; reason: string | null; account: string | null; channel: string | null; kind: string | null; cost: number }[] = [];
    const candidates: (Candidate & { kind: ClaimedRow["zaloKind"]; cost: number })[] = [];
    for (const r of rows) {
      const skip = (reason: string) => decided.push({ round: r.round, person: r.person_id, status: "skipped", reason, account: r.account_id, channel: r.channel, kind: null, cost: 0 });
      if (!r.person_exists) skip("erased");
      else if (r.opted_out) skip("opted_out");
      else if (!r.account_id || !r.channel) skip("unreachable");
      else if (input.officerRounds.includes(r.round) && r.backlog === 0) skip("no_backlog");
      else if (r.channel !== "zalo") candidates.push({ ...r, kind: null, cost: 0 });
      else {
        const silentDays = r.last_interaction_at ? (now.getTime() - r.last_interaction_at.getTime()) / 86_400_000 : Infinity;
        if (silentDays <= ZALO_WINDOW_DAYS) candidates.push({ ...r, kind: "consultation", cost: settings.zalo.consultationPrice });
        // A follower outside the window: a promotion when configured (the sender keeps Zalo's one per user per day).
        else if (settings.zalo.promotionTemplate) candidates.push({ ...r, kind: "promotion", cost: settings.zalo.promotionPrice });
        else if (settings.zalo.templateId && silentDays <= ZALO_TEMPLATE_DAYS) candidates.push({ ...r, kind: "template", cost: settings.zalo.templatePrice });
        else skip("unreachable");
      }
    }
    // The per-person cap across all campaigns: counted for every candidate, refused ones wait for tomorrow.
    const capped = new Set<string>();
    if (candidates.length > 0) {
      const { rows: counted } = await client.query<{ person_id: string }>(
        `INSERT INTO campaign_person_days (person_id, day, sent)
         SELECT id, $2::date, 1 FROM unnest($1::uuid[]) AS id
         ON CONFLICT (person_id, day) DO UPDATE SET sent = campaign_person_days.sent + 1
          WHERE campaign_person_days.sent < $3
         RETURNING person_id`,
        [candidates.map((x) => x.person_id), input.day, settings.personDailyCap],
      );
      const ok = new Set(counted.map((r) => r.person_id));
      for (const x of candidates) if (!ok.has(x.person_id)) capped.add(x.person_id);
    }
    // Zalo: the OA's daily template and promotion limits, then the campaign's budget, in order.
    const wanted = (kind: string) => candidates.filter((x) => x.kind === kind && !capped.has(x.person_id)).length;
    let templatesLeft = 0;
    let promotionsLeft = 0;
    if (wanted("template") + wanted("promotion") > 0) {
      const { rows: t } = await client.query(
        `INSERT INTO campaign_zalo_days (day, templates) VALUES ($1::date, 0)
         ON CONFLICT (day) DO UPDATE SET templates = campaign_zalo_days.templates RETURNING templates, promotions`,
        [input.day],
      );
      templatesLeft = Math.max(0, settings.zalo.templateDailyLimit - t[0].templates);
      promotionsLeft = Math.max(0, settings.zalo.promotionDailyLimit - t[0].promotions);
    }
    let templatesUsed = 0;
    let promotionsUsed = 0;
    let budgetReached = false;
    const uncount: string[] = [];
    const claimed: ClaimedRow[] = [];
    for (const x of candidates) {
      const row = { round: x.round, person: x.person_id, account: x.account_id, channel: x.channel, kind: x.kind, cost: x.cost };
      if (capped.has(x.person_id)) {
        decided.push({ ...row, status: "pending", reason: "cap", kind: null, cost: 0 });
        continue;
      }
      if ((x.kind === "template" && templatesUsed >= templatesLeft) || (x.kind === "promotion" && promotionsUsed >= promotionsLeft)) {
        uncount.push(x.person_id);
        decided.push({ ...row, status: "pending", reason: "zalo_daily_limit", kind: null, cost: 0 });
        continue;
      }
      if (x.cost > 0 && (budget === null || spent + x.cost > budget)) {
        uncount.push(x.person_id);
        budgetReached = true;
        decided.push({ ...row, status: "skipped", reason: "budget", kind: null, cost: 0 });
        continue;
      }
      spent += x.cost;
      if (x.kind === "template") templatesUsed++;
      if (x.kind === "promotion") promotionsUsed++;
      decided.push({ ...row, status: "claimed", reason: null });
      claimed.push({
        round: x.round, personId: x.person_id, accountId: x.account_id!, channel: x.channel!, status: x.status as AudienceStatus,
        zaloKind: x.kind, backlog: x.backlog, unitName: x.unit_name,
      });
    }
    if (uncount.length > 0) {
      await client.query(`UPDATE campaign_person_days SET sent = sent - 1 WHERE person_id = ANY($1::uuid[]) AND day = $2::date`, [uncount, input.day]);
    }
    if (templatesUsed + promotionsUsed > 0) {
      await client.query(`UPDATE campaign_zalo_days SET templates = templates + $2, promotions = promotions + $3 WHERE day = $1::date`, [input.day, templatesUsed, promotionsUsed]);
    }
    if (decided.length > 0) {
      await client.query(
        `UPDATE campaign_recipients r SET status = d.status::campaign_recipient_status, reason = d.reason,
                account_id = COALESCE(d.account::uuid, r.account_id), channel = COALESCE(d.channel::channel, r.channel),
                zalo_kind = d.kind, cost = d.cost, claimed_at = $3
           FROM unnest($2::smallint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
                AS d(round, person, status, reason, account, channel, kind, cost)
          WHERE r.campaign_id = $1 AND r.round = d.round AND r.person_id = d.person`,
        [c.id, decided.map((d) => d.round), now, decided.map((d) => d.person), decided.map((d) => d.status), decided.map((d) => d.reason),
          decided.map((d) => d.account), decided.map((d) => d.channel), decided.map((d) => d.kind), decided.map((d) => d.cost)],
      );
    }
    await client.query(
      `UPDATE campaigns SET zalo_spent = $2, status_reason = CASE WHEN $3 THEN 'zalo_budget' ELSE status_reason END,
              updated_at = now() WHERE id = $1`,
      [c.id, spent, budgetReached],
    );
    await client.query("COMMIT");
    return { claimed, seen: rows.length, budgetReached };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Claimed rows left by a tick that stopped (crash, deploy): they are re-driven, already counted. */
export async function claimedRows(pool: pg.Pool, c: CampaignRecord, limit: number): Promise<ClaimedRow[]> {
  const { rows } = await pool.query(
    `SELECT r.round, r.person_id, r.account_id, r.channel::text AS channel, r.zalo_kind,
            COALESCE((SELECT s.status::text FROM assessments s
                       WHERE s.person_id = r.person_id AND s.year = $3 AND s.status NOT IN ('withdrawn', 'rejected')
                       ORDER BY s.started_at DESC LIMIT 1), 'not_started') AS status,
            COALESCE(b.n, 0)::int AS backlog, b.unit_name
       FROM campaign_recipients r
       LEFT JOIN LATERAL (
         SELECT count(*) AS n, min(u.name) AS unit_name FROM officers o
           JOIN units u ON u.id = o.unit_id
           JOIN assessments s ON s.unit_id = o.unit_id AND s.year = $3 AND s.status = 'submitted'
          WHERE o.person_id = r.person_id AND o.active AND r.round = ANY($4::smallint[])) b ON true
      WHERE r.campaign_id = $1 AND r.status = 'claimed'
      ORDER BY r.round, r.person_id LIMIT $2`,
    [c.id, limit, c.year, c.rounds.flatMap((r, i) => (r.to === "officers" ? [i + 1] : []))],
  );
  return rows.map((r) => ({
    round: r.round, personId: r.person_id, accountId: r.account_id, channel: r.channel, status: r.status,
    zaloKind: r.zalo_kind, backlog: r.backlog, unitName: r.unit_name,
  }));
}
