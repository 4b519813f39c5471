// What one chat left in the tables, read for "applied once" checks: the inbound record of one event, the
// account (state and when it was last written), the person's assessments and the outbox rows the event
// wrote. A duplicate that changed anything – a state or answer written again, a row added, a send –
// shows as a difference between two reads.
import type pg from "pg";

export interface StoredChat {
  /** inbound_events rows of the event: 1 once it was applied. */
  inbound: number;
  account: { id: string; state: unknown; updatedAt: Date; personId: string | null } | undefined;
  assessments: { id: string; status: string; answers: Record<string, unknown>; updatedAt: Date }[];
  /** The event's outbox rows, in order (idempotency key `<channel>:<event id>:…`). */
  eventRows: { key: string; kind: string; status: string; attempts: number; platformMessageId: string | null }[];
  /** Every outbox row of the chat. */
  chatRows: number;
}

export async function storedChat(pool: pg.Pool, channel: string, externalId: string, eventId: string): Promise<StoredChat> {
  const [inbound, account, outbox] = await Promise.all([
    pool.query(`SELECT count(*)::int AS n FROM inbound_events WHERE channel = $1::channel AND external_event_id = $2`, [channel, eventId]),
    pool.query(`SELECT id, state, updated_at, person_id FROM channel_accounts WHERE channel = $1::channel AND external_id = $2`, [channel, externalId]),
    pool.query(
      `SELECT idempotency_key, payload->>'kind' AS kind, status, attempts, platform_message_id FROM outbox
        WHERE channel = $1::channel AND recipient = $2 ORDER BY id`,
      [channel, externalId],
    ),
  ]);
  const a = account.rows[0];
  const assessments = a?.person_id
    ? (await pool.query(`SELECT id, status, answers, updated_at FROM assessments WHERE person_id = $1 ORDER BY started_at, id`, [a.person_id])).rows
    : [];
  const prefix = `${channel}:${eventId}:`;
  return {
    inbound: inbound.rows[0].n,
    account: a && { id: a.id, state: a.state, updatedAt: a.updated_at, personId: a.person_id },
    assessments: assessments.map((r) => ({ id: r.id, status: r.status, answers: r.answers, updatedAt: r.updated_at })),
    eventRows: outbox.rows
      .filter((r) => String(r.idempotency_key).startsWith(prefix))
      .map((r) => ({ key: r.idempotency_key, kind: r.kind, status: r.status, attempts: r.attempts, platformMessageId: r.platform_message_id })),
    chatRows: outbox.rows.length,
  };
}
