// Progress and effect of a campaign, per round: materialised, sent, failed by reason, skipped by reason,
// waiting and why, opted out through this campaign's message, and the effect – recipients who continued
// or submitted their self-assessment within 48 h of their message. Read-only.
import type pg from "pg";
import { hhmmOf } from "./definition.ts";
import type { CampaignRecord } from "./store.ts";

export interface RoundStats {
  round: number;
  materialised: number;
  waiting: number;
  claimed: number;
  queued: number;
  sent: number;
  delivering: number;
  /**
   * Handed to Telegram or Zalo by a worker that died before it recorded the answer: delivered or not,
   * nobody can know (neither platform has an idempotency key or a way to look a message up), so these
   * are never sent again – a reminder is not worth a duplicate – and are reported here instead.
   */
  uncertain: number;
  /** Opted out through this round's message: its button, or /stop as the reply to it (campaigns/optouts.ts). */
  optedOut: number;
  continued: number;
  submitted: number;
  skipped: Record<string, number>;
  waitingWhy: Record<string, number>;
  failed: Record<string, number>;
  zaloKinds: Record<string, number>;
}

const EFFECT_HOURS = 48;

export async function campaignStats(db: Pick<pg.Pool, "query">, c: CampaignRecord): Promise<RoundStats[]> {
  const { rows: main } = await db.query(
    `SELECT r.round,
            count(*)::int AS materialised,
            count(*) FILTER (WHERE r.status = 'pending')::int AS waiting,
            count(*) FILTER (WHERE r.status = 'claimed')::int AS claimed,
            count(*) FILTER (WHERE r.status = 'queued')::int AS queued,
            count(*) FILTER (WHERE o.status = 'sent')::int AS sent,
            count(*) FILTER (WHERE r.status = 'queued' AND o.status IN ('pending', 'sending'))::int AS delivering,
            count(*) FILTER (WHERE o.status = 'uncertain')::int AS uncertain,
            count(*) FILTER (WHERE r.opted_out_at IS NOT NULL)::int AS opted_out_here,
            count(*) FILTER (WHERE r.queued_at IS NOT NULL AND EXISTS (
              SELECT 1 FROM assessments s WHERE s.person_id = r.person_id AND s.year = $2
                 AND s.updated_at > r.queued_at AND s.updated_at <= r.queued_at + make_interval(hours => $3)))::int AS continued,
            count(*) FILTER (WHERE r.queued_at IS NOT NULL AND EXISTS (
              SELECT 1 FROM assessments s WHERE s.person_id = r.person_id AND s.year = $2
                 AND s.submitted_at > r.queued_at AND s.submitted_at <= r.queued_at + make_interval(hours => $3)))::int AS submitted
       FROM campaign_recipients r
       LEFT JOIN outbox o ON o.id = r.outbox_id
      WHERE r.campaign_id = $1
      GROUP BY r.round ORDER BY r.round`,
    [c.id, c.year, EFFECT_HOURS],
  );
  const { rows: reasons } = await db.query(
    `SELECT round, status::text AS status, COALESCE(reason, '') AS reason, count(*)::int AS n FROM campaign_recipients
      WHERE campaign_id = $1 AND status IN ('skipped', 'pending') GROUP BY 1, 2, 3`,
    [c.id],
  );
  const { rows: failed } = await db.query(
    `SELECT r.round, o.status::text AS status, left(COALESCE(o.last_error, ''), 60) AS reason, count(*)::int AS n
       FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id
      WHERE r.campaign_id = $1 AND o.status = 'failed' GROUP BY 1, 2, 3`,
    [c.id],
  );
  const { rows: kinds } = await db.query(
    `SELECT round, zalo_kind, count(*)::int AS n FROM campaign_recipients
      WHERE campaign_id = $1 AND zalo_kind IS NOT NULL AND status = 'queued' GROUP BY 1, 2`,
    [c.id],
  );
  return main.map((m) => ({
    round: m.round,
    materialised: m.materialised,
    waiting: m.waiting,
    claimed: m.claimed,
    queued: m.queued,
    sent: m.sent,
    delivering: m.delivering,
    uncertain: m.uncertain,
    optedOut: m.opted_out_here,
    continued: m.continued,
    submitted: m.submitted,
    skipped: Object.fromEntries(reasons.filter((r) => r.round === m.round && r.status === "skipped").map((r) => [r.reason, r.n])),
    waitingWhy: Object.fromEntries(reasons.filter((r) => r.round === m.round && r.status === "pending").map((r) => [r.reason || "due", r.n])),
    failed: Object.fromEntries(failed.filter((r) => r.round === m.round).map((r) => [r.reason || "unknown", r.n])),
    zaloKinds: Object.fromEntries(kinds.filter((r) => r.round === m.round).map((r) => [r.zalo_kind, r.n])),
  }));
}

const num = (n: number) => n.toLocaleString("en-US");
const list = (o: Record<string, number>) => Object.entries(o).map(([k, n]) => `${k.replace(/_/g, " ")} ${num(n)}`).join(", ");

export function formatStats(c: CampaignRecord, stats: RoundStats[]): string[] {
  const out = [
    `Campaign ${c.id.slice(0, 8)} "${c.name}": ${c.status}${c.statusReason ? ` (${c.statusReason === "zalo_budget" ? "Zalo budget reached: paid Zalo messages stopped" : c.statusReason})` : ""}, ` +
      `${c.from} → ${c.to}, window ${hhmmOf(c.window.startMin)}–${hhmmOf(c.window.endMin)}`,
  ];
  if (c.zaloBudget !== null || c.zaloSpent > 0) out.push(`Zalo spent ${num(c.zaloSpent)} of ${c.zaloBudget === null ? "no budget" : `${num(c.zaloBudget)} đồng`}`);
  for (const [i, r] of c.rounds.entries()) {
    const s = stats.find((x) => x.round === i + 1);
    out.push(`Round ${i + 1} – day ${r.day}${r.label ? ` (${r.label})` : ""}:`);
    if (!s) {
      out.push("  not materialised yet");
      continue;
    }
    out.push(`  materialised ${num(s.materialised)}; handed to delivery ${num(s.queued)} (sent ${num(s.sent)}, being delivered ${num(s.delivering)}); waiting ${num(s.waiting + s.claimed)}` +
      (Object.keys(s.waitingWhy).length ? ` (${list(s.waitingWhy)})` : ""));
    if (Object.keys(s.failed).length) out.push(`  failed: ${list(s.failed)}`);
    if (s.uncertain) out.push(`  uncertain ${num(s.uncertain)}: the worker stopped during the platform call; delivered or not, never sent again`);
    if (Object.keys(s.skipped).length) out.push(`  skipped: ${list(s.skipped)}`);
    if (Object.keys(s.zaloKinds).length) out.push(`  Zalo: ${list(s.zaloKinds)}`);
    out.push(`  effect within 48 h of their message: continued ${num(s.continued)}, submitted ${num(s.submitted)}; opted out through this campaign ${num(s.optedOut)}`);
  }
  return out;
}
