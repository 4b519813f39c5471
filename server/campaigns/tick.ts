// One campaign tick (run by the worker's job scheduler every few seconds, and by tests with a fake
// clock): for every running campaign, under a lock so that one process works on it at a time –
//   1. past its last send window: finish it (what still waits is skipped with the reason it waited);
//   2. rounds whose day has come: materialise their recipients (chunked, resumable);
//   3. rows claimed by a tick that died: re-drive them (the system event is applied once by its id);
//   4. inside today's send window: claim due rows per channel, only as many as that channel's bulk pace
//      can deliver in the next LEAD_SECONDS beyond what already waits in the outbox, and apply each as a
//      `campaign.message` system event to the recipient's conversation (bulk lane). Outside the window
//      rows wait. A round's rows are sent on its day and the following days until the next round of the
//      same audience is due (or the campaign ends); then those still waiting are skipped.
import type pg from "pg";
import type { Logger } from "pino";
import type { SystemEvent } from "../../bot/types.ts";
import type { CampaignSettings } from "../config.ts";
import type { HandleSystem } from "../conversation/types.ts";
import type { Redis } from "../redis.ts";
import { tryLock } from "../redis-lock.ts";
import { claimBatch, claimedRows, type ClaimedRow } from "./claim.ts";
import { materialiseRound } from "./materialise.ts";
import { messageSpec } from "./preview.ts";
import { inWindow, instantOf, localTime } from "./schedule.ts";
import { campaignsWithStatus, roundRows, type CampaignRecord } from "./store.ts";

/** How far ahead of delivery the outbox is fed, in seconds of each channel's bulk pace. */
export const LEAD_SECONDS = 20;
const BATCH = 250;
const WEB_PER_SECOND = 200;

export interface CampaignTickDeps {
  pool: pg.Pool;
  redis: Redis;
  prefix: string;
  handleSystem: HandleSystem;
  settings: CampaignSettings;
  timeZone: string;
  logger: Logger;
  /** How long one tick may keep dispatching (the next tick continues). */
  maxTickMs?: number;
  /** System events applied side by side. */
  concurrency?: number;
}

export function campaignEventId(c: { id: string }, round: number, personId: string): string {
  return `campaign:${c.id}:${round}:${personId}`;
}

export async function runCampaignTick(deps: CampaignTickDeps, now: Date): Promise<void> {
  for (const c of await campaignsWithStatus(deps.pool, ["running"])) {
    const lock = await tryLock(deps.redis, `${deps.prefix}:campaign:${c.id}`, 120_000);
    if (!lock) continue;
    try {
      await tickCampaign(deps, c, now, () => void lock.extend(120_000));
    } catch (err) {
      deps.logger.error({ err, campaign: c.id }, "campaign tick failed; the next tick continues");
    } finally {
      await lock.release();
    }
  }
}

async function tickCampaign(deps: CampaignTickDeps, c: CampaignRecord, now: Date, keepAlive: () => void): Promise<void> {
  const { pool, timeZone } = deps;
  const local = localTime(now, timeZone);
  const rounds = await roundRows(pool, c.id);
  // The last day a round's rows may go out: the day before the next round to the same people, or the end.
  const lastDay = (i: number) => {
    const to = c.rounds[i]!.to;
    const next = rounds.find((r, j) => j > i && c.rounds[j]!.to === to && r.sendOn > rounds[i]!.sendOn);
    return next ? new Date(Date.parse(`${next.sendOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : c.to;
  };
  const over = local.date > c.to || (local.date === c.to && local.minutes >= c.window.endMin);

  await redrive(deps, c, keepAlive);
  if (over) {
    await pool.query(
      `UPDATE campaign_recipients SET status = 'skipped', reason = COALESCE(reason, 'outside_window')
        WHERE campaign_id = $1 AND status = 'pending'`,
      [c.id],
    );
    await pool.query(`UPDATE campaigns SET status = 'finished', finished_at = now(), updated_at = now() WHERE id = $1 AND status = 'running'`, [c.id]);
    deps.logger.info({ campaign: c.id }, "campaign finished");
    return;
  }
  const due: number[] = [];
  for (const [i, r] of rounds.entries()) {
    if (r.sendOn > local.date) continue;
    const expired = lastDay(i) < local.date || (lastDay(i) === local.date && local.minutes >= c.window.endMin);
    if (!r.materialisedAt) {
      if (expired) continue;
      await materialiseRound(pool, c, r.round, { onChunk: keepAlive });
    }
    if (expired) {
      await pool.query(
        `UPDATE campaign_recipients SET status = 'skipped', reason = COALESCE(reason, 'outside_window')
          WHERE campaign_id = $1 AND round = $2 AND status = 'pending'`,
        [c.id, r.round],
      );
    } else due.push(r.round);
  }
  if (due.length === 0 || !inWindow(now, timeZone, c.window)) return;

  const officerRounds = due.filter((n) => c.rounds[n - 1]!.to === "officers");
  const deadline = Date.now() + (deps.maxTickMs ?? 8_000);
  const dayStart = instantOf(local.date, 0, timeZone);
  let drained = true;
  for (const channel of c.audience.channels) {
    const pace = channel === "telegram" ? deps.settings.telegramPerSecond : channel === "zalo" ? deps.settings.zaloPerSecond : WEB_PER_SECOND;
    let room = Math.ceil(pace * LEAD_SECONDS) - (await outstanding(pool, channel));
    while (room > 0 && Date.now() < deadline) {
      const batch = await claimBatch(pool, {
        campaign: c, rounds: due, channel, limit: Math.min(BATCH, room), day: local.date, dayStart, now,
        settings: deps.settings, officerRounds,
      });
      if (batch.budgetReached) deps.logger.warn({ campaign: c.id }, "campaign reached its Zalo budget: paid Zalo messages stop");
      await deliver(deps, c, batch.claimed);
      keepAlive();
      room -= batch.claimed.length;
      if (batch.seen === 0) break;
    }
    if (room <= 0 || Date.now() >= deadline) drained = false;
  }
  // Everything claimable today is out: say why the rest waits (the per-person cap), for `campaign status`.
  if (drained) {
    await pool.query(
      `UPDATE campaign_recipients r SET reason = 'cap'
        WHERE r.campaign_id = $1 AND r.round = ANY($2::smallint[]) AND r.status = 'pending' AND r.reason IS NULL
          AND EXISTS (SELECT 1 FROM campaign_person_days d WHERE d.person_id = r.person_id AND d.day = $3::date AND d.sent >= $4)`,
      [c.id, due, local.date, deps.settings.personDailyCap],
    );
  }
}

/** Bulk rows of a channel still waiting for delivery. */
async function outstanding(pool: pg.Pool, channel: string): Promise<number> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM outbox WHERE channel = $1 AND lane = 'bulk' AND status IN ('pending', 'sending')`,
    [channel],
  );
  return rows[0].n;
}

async function redrive(deps: CampaignTickDeps, c: CampaignRecord, keepAlive: () => void): Promise<void> {
  for (;;) {
    const rows = await claimedRows(deps.pool, c, BATCH);
    if (rows.length === 0) return;
    await deliver(deps, c, rows);
    keepAlive();
  }
}

/** Applies each claimed row as a system event and records the outcome: queued with its outbox row, or skipped. */
async function deliver(deps: CampaignTickDeps, c: CampaignRecord, rows: ClaimedRow[]): Promise<void> {
  const outcomes: { round: number; person: string; status: "queued" | "skipped"; reason: string | null; outbox: string | null }[] = [];
  let next = 0;
  const work = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const r = rows[i]!;
      const eventId = campaignEventId(c, r.round, r.personId);
      const event: SystemEvent = {
        type: "system",
        name: "campaign.message",
        campaign: messageSpec(c, r.round),
        status: r.status,
        ...(r.backlog > 0 ? { backlog: r.backlog } : {}),
        ...(r.unitName ? { unitName: r.unitName } : {}),
      };
      const result = await deps.handleSystem({ target: { accountId: r.accountId }, eventId, event, lane: "bulk" });
      if (result.status === "no_account") outcomes.push({ round: r.round, person: r.personId, status: "skipped", reason: "unreachable", outbox: null });
      else if (result.status === "applied") {
        const id = result.outboxIds[0] ?? null;
        // Nothing said: the conversation had stopped reminders or withdrawn consent meanwhile.
        outcomes.push({ round: r.round, person: r.personId, status: id ? "queued" : "skipped", reason: id ? null : "opted_out", outbox: id });
      } else {
        const { rows: found } = await deps.pool.query(`SELECT id FROM outbox WHERE idempotency_key = $1`, [`system:${eventId}:0`]);
        const id = found[0] ? String(found[0].id) : null;
        outcomes.push({ round: r.round, person: r.personId, status: id ? "queued" : "skipped", reason: id ? null : "opted_out", outbox: id });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 16, rows.length) }, work));
  if (outcomes.length === 0) return;
  await deps.pool.query(
    `UPDATE campaign_recipients r SET status = o.status::campaign_recipient_status, reason = o.reason, outbox_id = o.outbox::bigint,
            queued_at = CASE WHEN o.status = 'queued' THEN now() END
       FROM unnest($2::smallint[], $3::uuid[], $4::text[], $5::text[], $6::text[]) AS o(round, person, status, reason, outbox)
      WHERE r.campaign_id = $1 AND r.round = o.round AND r.person_id = o.person AND r.status = 'claimed'`,
    [c.id, outcomes.map((o) => o.round), outcomes.map((o) => o.person), outcomes.map((o) => o.status), outcomes.map((o) => o.reason), outcomes.map((o) => o.outbox)],
  );
}
