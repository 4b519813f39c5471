// Keeps the append-only tables bounded: inbound event ids are needed only while a platform may
// still retry a delivery (Telegram keeps updates for 24 hours), and finished outbox rows only as the
// web chat's recent history. Old rows are deleted in small batches, oldest first, every hour by a
// scheduled task (once per deployment), and by one process at a time even so (a PostgreSQL advisory
// lock). Rows still pending or sending are never touched. Web chat photos nothing refers to go too.
import type pg from "pg";
import type { Logger } from "pino";
import { PRUNE_BUTTON_TOKENS } from "../conversation/button-tokens.ts";
import { webChatAccountSql } from "../accounts/sql.ts";

export interface RetentionDays {
  inboundDays: number;
  outboxDays: number;
  /** Web chat photos nothing refers to go this many hours after their upload (default 24). */
  orphanUploadHours?: number;
}

const BATCH = 5_000;
/** pg_try_advisory_xact_lock key: one pruning process at a time across the deployment. */
const LOCK_KEY = 724_460_913;

const PRUNE_INBOUND = `
DELETE FROM inbound_events WHERE id IN (
  SELECT id FROM inbound_events WHERE received_at < $1::timestamptz ORDER BY received_at LIMIT ${BATCH})`;

// Ids grow with time, so the oldest finished rows come first in primary-key order.
const PRUNE_OUTBOX = `
DELETE FROM outbox WHERE id IN (
  SELECT id FROM outbox WHERE created_at < $1::timestamptz AND status IN ('sent', 'failed', 'uncertain')
   ORDER BY id LIMIT ${BATCH})`;

// System event ids are kept as long as inbound event ids: a job retried later than that is not expected.
const PRUNE_SYSTEM = `
DELETE FROM system_events WHERE event_id IN (
  SELECT event_id FROM system_events WHERE received_at < $1::timestamptz ORDER BY received_at LIMIT ${BATCH})`;

// Web chat photos that neither the account's conversation nor any assessment of its person refers to
// (refused by the engine, of a restarted draft, of an abandoned one), some hours after the upload: the
// engine takes a photo into the conversation in the transaction that receives it, so hours are ample.
const PRUNE_UPLOADS = `
DELETE FROM web_uploads WHERE id IN (
  SELECT u.id FROM web_uploads u
   WHERE u.created_at < $1::timestamptz
     AND NOT EXISTS (
       SELECT 1 FROM ${webChatAccountSql("u.web_account")} c LEFT JOIN assessments a ON a.person_id = c.person_id
        WHERE (strpos(c.state::text, 'web-upload:' || u.id::text) > 0 OR strpos(a.evidence::text, 'web-upload:' || u.id::text) > 0))
   ORDER BY u.created_at LIMIT ${BATCH})`;

export interface Pruned {
  inboundEvents: number;
  outboxRows: number;
  systemEvents: number;
  /** Expired button tokens (server/conversation/button-tokens.ts). */
  buttonTokens: number;
  /** Web chat photos nothing refers to. */
  webUploads: number;
  /** False when another process was pruning (nothing was done here). */
  ran: boolean;
}

async function deleteBatch(pool: pg.Pool, text: string, before: Date): Promise<number | null> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`);
    if (!rows[0]!.locked) {
      await client.query("ROLLBACK");
      return null;
    }
    const { rowCount } = await client.query(text, [before]);
    await client.query("COMMIT");
    return rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Deletes every row past its retention, batch by batch; returns how many went. */
export async function pruneOnce(pool: pg.Pool, days: RetentionDays, now = new Date()): Promise<Pruned> {
  const result: Pruned = { inboundEvents: 0, outboxRows: 0, systemEvents: 0, buttonTokens: 0, webUploads: 0, ran: true };
  const inboundBefore = new Date(now.getTime() - days.inboundDays * 86_400_000);
  const jobs = [
    { text: PRUNE_INBOUND, before: inboundBefore, field: "inboundEvents" as const },
    { text: PRUNE_OUTBOX, before: new Date(now.getTime() - days.outboxDays * 86_400_000), field: "outboxRows" as const },
    { text: PRUNE_SYSTEM, before: inboundBefore, field: "systemEvents" as const },
    { text: PRUNE_BUTTON_TOKENS(BATCH), before: now, field: "buttonTokens" as const },
    { text: PRUNE_UPLOADS, before: new Date(now.getTime() - (days.orphanUploadHours ?? 24) * 3_600_000), field: "webUploads" as const },
  ];
  for (const job of jobs) {
    for (;;) {
      const n = await deleteBatch(pool, job.text, job.before);
      if (n === null) return { ...result, ran: false };
      result[job.field] += n;
      if (n < BATCH) break;
    }
  }
  return result;
}

/** The hourly task for the scheduler (server/schedule/scheduler.ts). */
export function retentionTask(opts: { pool: pg.Pool; logger: Logger; days: RetentionDays; everyMs?: number }) {
  return {
    name: "retention",
    every: opts.everyMs ?? 3_600_000,
    async run() {
      const pruned = await pruneOnce(opts.pool, opts.days);
      if (pruned.inboundEvents + pruned.outboxRows + pruned.systemEvents + pruned.buttonTokens + pruned.webUploads > 0) opts.logger.info({ pruned }, "old rows pruned");
    },
  };
}
