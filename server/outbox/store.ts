// SQL over the outbox table: insert rows inside a caller's transaction, and the state changes the
// delivery worker makes. Status: pending → sending → sent | pending (retry) | failed | uncertain.
import type pg from "pg";
import type { ChannelName, Lane as PriorityLane } from "../../bot/types.ts";
import { recipientInfoOf, recipientInfoStatement, UNREACHABLE_ACCOUNT } from "../accounts/store.ts";
import { batchOn, prepared, sql, type Statement } from "../db/statement.ts";
import type { OutboxPayload, PartsSent, RecipientInfo } from "./types.ts";

/** The recipient's account as delivery needs it; owned by the accounts store. */
export { markUnreachable, recipientInfo } from "../accounts/store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface NewOutboxRow {
  channel: ChannelName;
  recipient: string;
  payload: OutboxPayload;
  idempotencyKey: string;
  /** reply (default) | notice | bulk: which queue the row waits in (bot/types.ts Lane). */
  lane?: PriorityLane;
  /** The platform's id of the message this row answers (Zalo msg_id). */
  replyTo?: string;
  /** The record the message is about (an assessment id), for later edits of it. */
  subjectId?: string;
}

/**
 * The insert of outbox rows (rows whose idempotency key exists are ignored), returning the new rows'
 * id, channel, recipient and lane.
 */
export function outboxInsert(rows: NewOutboxRow[]): Statement {
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    values.push(r.channel, r.recipient, JSON.stringify(r.payload), r.idempotencyKey, r.lane ?? "reply", r.replyTo ?? null, r.subjectId ?? null);
    const n = values.length;
    return `($${n - 6}::channel, $${n - 5}, $${n - 4}::jsonb, $${n - 3}, $${n - 2}::lane, $${n - 1}, $${n}::uuid)`;
  });
  return sql(
    `INSERT INTO outbox (channel, recipient, payload, idempotency_key, lane, reply_to, subject_id) VALUES ${tuples.join(", ")}
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, channel, recipient, lane`,
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
  /** The fence of the claim that holds a `sending` row (null for rows claimed before fences existed). */
  claimFence: string | null;
  /** Parts of a split message an earlier attempt delivered, if any. */
  partsSent?: PartsSent;
  lane: PriorityLane;
  /** The platform's id of the message this row answers (Zalo msg_id), if any. */
  replyTo?: string;
  /** Why the last attempt did not deliver it, if one failed. */
  lastError?: string;
}

/**
 * The workers a row waits for: chat messages of the reply and notice lanes (in order, paced, served
 * first), chat messages of the bulk lane (campaigns: the budget the others leave), and button
 * acknowledgements (at once, unpaced).
 */
export type Track = "message" | "bulk" | "ack";
const NOT_ACK = `payload->>'kind' <> 'callback_answer'`;
const TRACK_SQL: Record<Track, string> = {
  message: `${NOT_ACK} AND lane <> 'bulk'`,
  bulk: `${NOT_ACK} AND lane = 'bulk'`,
  ack: `payload->>'kind' = 'callback_answer'`,
};

const COLUMNS = `id, status, payload, attempts, next_attempt_at, parts_sent, last_part_id, claim_fence, lane, reply_to, last_error`;

function toRow(r: any): OutboxRow {
  return {
    id: String(r.id),
    status: r.status,
    payload: r.payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    claimFence: r.claim_fence === null ? null : String(r.claim_fence),
    ...(r.parts_sent > 0 ? { partsSent: { count: r.parts_sent, lastId: r.last_part_id ?? "" } } : {}),
    lane: r.lane,
    ...(r.reply_to ? { replyTo: r.reply_to } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
  };
}

/**
 * The next undelivered message row of one recipient: reply before notice before bulk, and in id order
 * within a lane (a row in back-off holds back the rows after it in its lane and the lanes after).
 */
export async function nextRow(db: Queryable, channel: ChannelName, recipient: string): Promise<OutboxRow | null> {
  const s = nextRowStatement(channel, recipient);
  const { rows } = await prepared(db, s);
  return rows[0] ? toRow(rows[0]) : null;
}

function nextRowStatement(channel: ChannelName, recipient: string): Statement {
  return sql(
    `SELECT ${COLUMNS} FROM outbox
      WHERE channel = $1 AND recipient = $2 AND status IN ('pending', 'sending') AND ${NOT_ACK}
      ORDER BY lane, id LIMIT 1`,
    channel, recipient,
  );
}

/** The chat's next row with its recipient's account, as the worker reads them before each send. */
export interface NextSend {
  row: OutboxRow | null;
  info: RecipientInfo;
}

const nextSendOf = (row: pg.QueryResult, info: pg.QueryResult): NextSend => ({
  row: row.rows[0] ? toRow(row.rows[0]) : null,
  info: recipientInfoOf(info),
});

/** A holder's start, in one round trip: its fence, and the chat's next row with the recipient's account. */
export async function openHold(pool: pg.Pool, channel: ChannelName, recipient: string): Promise<NextSend & { fence: string }> {
  const [fence, row, info] = await batchOn(pool, [
    FENCE, nextRowStatement(channel, recipient), recipientInfoStatement(channel, recipient),
  ]);
  return { fence: fence!.rows[0].fence, ...nextSendOf(row!, info!) };
}

/**
 * Delivered (markSent for each row), then the chat's next row with its recipient's account, in one round
 * trip: each statement commits before the next runs, so the next row is never one just recorded.
 */
export async function markSentThenNext(pool: pg.Pool, ids: string[], fence: string, platformMessageId: string, channel: ChannelName, recipient: string): Promise<NextSend> {
  const results = await batchOn(pool, [...ids.map((id) => markSentStatement(id, fence, platformMessageId)), nextRowStatement(channel, recipient), recipientInfoStatement(channel, recipient)]);
  return nextSendOf(results.at(-2)!, results.at(-1)!);
}

/**
 * The rows after `row` that may travel with it in one platform message (Zalo: one answer's messages):
 * the same lane and reply_to, pending and due, in order, at most `limit`.
 */
export async function companions(db: Queryable, channel: ChannelName, recipient: string, row: OutboxRow, limit: number): Promise<OutboxRow[]> {
  if (!row.replyTo) return [];
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM outbox
      WHERE channel = $1 AND recipient = $2 AND lane = $3::lane AND reply_to = $4 AND id > $5::bigint
        AND status = 'pending' AND next_attempt_at <= now() AND ${NOT_ACK}
      ORDER BY id LIMIT $6`,
    [channel, recipient, row.lane, row.replyTo, row.id, limit],
  );
  return rows.map(toRow);
}

/** A new fence for a holder of a chat's lock: larger than every fence drawn before. */
export async function drawFence(db: Queryable): Promise<string> {
  const { rows } = await prepared<{ fence: string }>(db, FENCE);
  return rows[0]!.fence;
}

const FENCE = sql(`SELECT nextval('outbox_claim_fence_seq')::text AS fence`);

/**
 * Claims a pending row for sending under the given fence; false when someone else changed it first, or
 * when a holder with a larger fence has claimed a row of the same chat (this holder's lock is stale).
 */
export async function markSending(db: Queryable, id: string, fence: string): Promise<boolean> {
  const { rowCount } = await prepared(db, sql(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim_fence = $2
      WHERE id = $1 AND status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM outbox later WHERE later.channel = outbox.channel
                           AND later.recipient = outbox.recipient AND later.claim_fence > $2
                           AND later.payload->>'kind' <> 'callback_answer')`,
    id, fence,
  ));
  return rowCount === 1;
}

/** Delivered: recorded by the claimer only, also over an "uncertain" a later worker set meanwhile. */
export async function markSent(db: Queryable, id: string, fence: string, platformMessageId: string): Promise<void> {
  await prepared(db, markSentStatement(id, fence, platformMessageId));
}

function markSentStatement(id: string, fence: string, platformMessageId: string): Statement {
  return sql(
    `UPDATE outbox SET status = 'sent', platform_message_id = $3, sent_at = now(), last_error = NULL
      WHERE id = $1 AND claim_fence = $2 AND status IN ('sending', 'uncertain')`,
    id, fence, platformMessageId,
  );
}

/** Back to pending after delayMs (claimer only); the parts delivered so far (if any) are kept. */
export async function markRetry(db: Queryable, id: string, fence: string, delayMs: number, error: string, partsSent?: PartsSent): Promise<void> {
  await prepared(db, sql(
    `UPDATE outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
            last_error = $4, parts_sent = GREATEST(parts_sent, $5), last_part_id = COALESCE($6, last_part_id)
      WHERE id = $1 AND claim_fence = $2 AND status = 'sending'`,
    id, fence, delayMs, error.slice(0, 1000), partsSent?.count ?? 0, partsSent?.lastId ?? null,
  ));
}

/** Failed for good (claimer only). */
export async function markFailed(db: Queryable, id: string, fence: string, error: string): Promise<void> {
  await prepared(db, sql(`UPDATE outbox SET status = 'failed', last_error = $3 WHERE id = $1 AND claim_fence = $2 AND status = 'sending'`, id, fence, error.slice(0, 1000)));
}

/**
 * A row found `sending` by a later lock holder: its worker stopped during the platform call, so it may
 * have been delivered. Changed only while it is still held by the claim that was seen (an earlier
 * fence), so it never overwrites what that claimer recorded. True when marked.
 */
export async function markUncertain(db: Queryable, id: string, seenFence: string | null, fence: string, error: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE outbox SET status = 'uncertain', last_error = $4
      WHERE id = $1 AND status = 'sending' AND claim_fence IS NOT DISTINCT FROM $2::bigint
        AND (claim_fence IS NULL OR claim_fence < $3)`,
    [id, seenFence, fence, error.slice(0, 1000)],
  );
  return rowCount === 1;
}

/**
 * A row a dead worker left `sending`, on a channel where sending again cannot show it twice (the sender is
 * idempotent): back to `pending` for this holder to send, under the same fencing as markUncertain.
 */
export async function reclaimSending(db: Queryable, id: string, seenFence: string | null, fence: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE outbox SET status = 'pending', last_error = 'worker stopped during the call: sent again (idempotent channel)'
      WHERE id = $1 AND status = 'sending' AND claim_fence IS NOT DISTINCT FROM $2::bigint
        AND (claim_fence IS NULL OR claim_fence < $3)`,
    [id, seenFence, fence],
  );
  return rowCount === 1;
}

/**
 * Fails every pending row of a chat whose account is marked unreachable, with that reason; checked and
 * changed in one statement, so rows committed with the citizen's next message (which makes the account
 * reachable again) are never caught. Returns how many rows were failed.
 */
export async function failUnreachable(db: Queryable, channel: ChannelName, recipient: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE outbox o SET status = 'failed', last_error = left('recipient unreachable: ' || coalesce(a.reason, ''), 1000)
       FROM ${UNREACHABLE_ACCOUNT} a
      WHERE a.channel = o.channel AND a.external_id = o.recipient
        AND o.channel = $1 AND o.recipient = $2 AND o.status = 'pending'`,
    [channel, recipient],
  );
  return rowCount ?? 0;
}

/**
 * Claims a chat's due button acknowledgements for sending, under a fence of their own, and marks
 * "uncertain" any whose claimer did not record an outcome within its lease (leaseMs).
 */
export async function claimAcks(db: Queryable, channel: ChannelName, recipient: string, leaseMs: number): Promise<{ fence: string; rows: OutboxRow[] }> {
  const { rows } = await db.query(
    `WITH fence AS (SELECT nextval('outbox_claim_fence_seq') AS f),
     stale AS (
       UPDATE outbox SET status = 'uncertain', last_error = 'worker stopped during the platform call'
        WHERE channel = $1 AND recipient = $2 AND status = 'sending' AND ${TRACK_SQL.ack} AND next_attempt_at <= now()
     ),
     due AS (
       SELECT id FROM outbox WHERE channel = $1 AND recipient = $2 AND status = 'pending' AND ${TRACK_SQL.ack}
          AND next_attempt_at <= now() ORDER BY id FOR UPDATE SKIP LOCKED
     )
     UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim_fence = (SELECT f FROM fence),
            next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id IN (SELECT id FROM due)
     RETURNING ${COLUMNS}`,
    [channel, recipient, leaseMs],
  );
  const claimed = rows.map(toRow).sort((a, b) => Number(a.id) - Number(b.id));
  return { fence: claimed[0]?.claimFence ?? "", rows: claimed };
}

/** Recipients with a row of the track that is due, for the sweeper that re-enqueues delivery jobs. */
export async function dueRecipients(db: Queryable, channel: ChannelName, limit: number, track: Track = "message"): Promise<string[]> {
  const { rows } = await db.query<{ recipient: string }>(
    `SELECT DISTINCT recipient FROM outbox
      WHERE channel = $1 AND status IN ('pending', 'sending') AND next_attempt_at <= now() AND ${TRACK_SQL[track]}
      LIMIT $2`,
    [channel, limit],
  );
  return rows.map((r) => r.recipient);
}
