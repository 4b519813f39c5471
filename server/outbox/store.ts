// SQL over the outbox table: insert rows inside a caller's transaction, and the state changes the
// delivery worker makes. Status: pending → sending → sent | pending (retry) | failed | uncertain.
import type pg from "pg";
import type { ChannelName, Lane } from "../../bot/types.ts";
import { sql, type Statement } from "../db/statement.ts";
import type { OutboxPayload, PartsSent } from "./types.ts";

/** The recipient's account as delivery needs it; owned by the accounts store. */
export { markUnreachable, recipientInfo } from "../accounts/store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface NewOutboxRow {
  channel: ChannelName;
  recipient: string;
  payload: OutboxPayload;
  idempotencyKey: string;
  /** Default `reply`. */
  lane?: Lane;
  /** The platform's id of the message this row answers (Zalo msg_id). */
  replyTo?: string;
}

/**
 * The insert of outbox rows (rows whose idempotency key exists are ignored), returning the new rows'
 * id, channel and recipient.
 */
export function outboxInsert(rows: NewOutboxRow[]): Statement {
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    values.push(r.channel, r.recipient, JSON.stringify(r.payload), r.idempotencyKey, r.lane ?? "reply", r.replyTo ?? null);
    const n = values.length;
    return `($${n - 5}::channel, $${n - 4}, $${n - 3}::jsonb, $${n - 2}, $${n - 1}::lane, $${n})`;
  });
  return sql(
    `INSERT INTO outbox (channel, recipient, payload, idempotency_key, lane, reply_to) VALUES ${tuples.join(", ")}
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, channel, recipient`,
    ...values,
  );
}

export async function insertOutbox(db: Queryable, rows: NewOutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const { text, values } = outboxInsert(rows);
  const { rows: inserted } = await db.query<{ id: string }>(text, values);
  return inserted.map((r) => String(r.id));
}

export interface OutboxRow {
  id: string;
  status: "pending" | "sending";
  payload: OutboxPayload;
  attempts: number;
  nextAttemptAt: Date;
  /** Parts of a split message an earlier attempt delivered, if any. */
  partsSent?: PartsSent;
}

/** The oldest undelivered row of one recipient: delivery is strictly in order per chat. */
export async function nextRow(db: Queryable, channel: ChannelName, recipient: string): Promise<OutboxRow | null> {
  const { rows } = await db.query(
    `SELECT id, status, payload, attempts, next_attempt_at, parts_sent, last_part_id FROM outbox
      WHERE channel = $1 AND recipient = $2 AND status IN ('pending', 'sending')
      ORDER BY id LIMIT 1`,
    [channel, recipient],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: String(r.id),
    status: r.status,
    payload: r.payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    ...(r.parts_sent > 0 ? { partsSent: { count: r.parts_sent, lastId: r.last_part_id ?? "" } } : {}),
  };
}

/** Claims a pending row for sending; false when someone else changed it first. */
export async function markSending(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = $1 AND status = 'pending'`,
    [id],
  );
  return rowCount === 1;
}

export async function markSent(db: Queryable, id: string, platformMessageId: string): Promise<void> {
  await db.query(
    `UPDATE outbox SET status = 'sent', platform_message_id = $2, sent_at = now(), last_error = NULL WHERE id = $1`,
    [id, platformMessageId],
  );
}

/** Back to pending after delayMs; the parts delivered so far (if the sender reported any) are kept. */
export async function markRetry(db: Queryable, id: string, delayMs: number, error: string, partsSent?: PartsSent): Promise<void> {
  await db.query(
    `UPDATE outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
            last_error = $3, parts_sent = GREATEST(parts_sent, $4), last_part_id = COALESCE($5, last_part_id) WHERE id = $1`,
    [id, delayMs, error.slice(0, 1000), partsSent?.count ?? 0, partsSent?.lastId ?? null],
  );
}

export async function markFinal(db: Queryable, id: string, status: "failed" | "uncertain", error: string): Promise<void> {
  await db.query(`UPDATE outbox SET status = $2, last_error = $3 WHERE id = $1`, [id, status, error.slice(0, 1000)]);
}

/** Recipients with a row that is due, for the sweeper that re-enqueues delivery jobs. */
export async function dueRecipients(db: Queryable, channel: ChannelName, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ recipient: string }>(
    `SELECT DISTINCT recipient FROM outbox
      WHERE channel = $1 AND status IN ('pending', 'sending') AND next_attempt_at <= now()
      LIMIT $2`,
    [channel, limit],
  );
  return rows.map((r) => r.recipient);
}
