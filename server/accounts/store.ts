// The accounts store: every read and write of `channel_accounts` (one chat identity on one platform,
// with the engine's conversation state) and of the person ↔ account link. Channels, routes, the
// pipeline and the outbox call these functions; no other module has SQL on the table.
// Statements (sql()) are sent by the caller inside its own transaction batch; async functions run alone.
import type pg from "pg";
import type { ChannelName, Lang } from "../../bot/types.ts";
import { prepared, sql, type Statement } from "../db/statement.ts";
import type { RecipientInfo } from "../outbox/types.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** An account locked for the event being applied. */
export interface LockedAccount {
  id: string;
  personId: string | null;
  channel: ChannelName;
  externalId: string;
  /** The stored ConversationState (unparsed JSON). */
  state: unknown;
}

/**
 * Records an inbound event (no row from the first statement when it was seen before), creates the chat's
 * account on first contact and locks it: events of one chat are applied one after another. Nothing of
 * the account is written here; saveState writes state and interaction once, at the end of the event.
 */
export function claimForInbound(input: { channel: ChannelName; eventId: string; externalId: string }): Statement[] {
  return [
    sql(
      `INSERT INTO inbound_events (channel, external_event_id) VALUES ($1::channel, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      input.channel, input.eventId,
    ),
    sql(`INSERT INTO channel_accounts (channel, external_id) VALUES ($1::channel, $2) ON CONFLICT DO NOTHING`, input.channel, input.externalId),
    sql(
      `SELECT id, person_id, channel, external_id, state FROM channel_accounts WHERE channel = $1::channel AND external_id = $2 FOR UPDATE`,
      input.channel, input.externalId,
    ),
  ];
}

/**
 * Locks the account a system event is applied to: the given account, or the person's reachable account
 * used last. No row when there is none.
 */
export function lockForSystem(target: { accountId: string } | { personId: string; anyAccount?: boolean }): Statement {
  if ("accountId" in target) {
    return sql(
      `SELECT id, person_id, channel, external_id, state FROM channel_accounts WHERE id = $1::uuid FOR UPDATE`,
      target.accountId,
    );
  }
  return sql(
    `SELECT id, person_id, channel, external_id, state FROM channel_accounts
      WHERE person_id = $1::uuid AND (reachable OR $2)
      ORDER BY reachable DESC, last_interaction_at DESC NULLS LAST, id LIMIT 1 FOR UPDATE`,
    target.personId, target.anyAccount === true,
  );
}

/** The locked account of a claimForInbound / lockForSystem result, if any. */
export function lockedAccount(result: pg.QueryResult | undefined): LockedAccount | undefined {
  const r = result?.rows[0];
  if (!r) return undefined;
  return { id: String(r.id), personId: r.person_id ?? null, channel: r.channel, externalId: r.external_id, state: r.state };
}

/**
 * Stores the conversation state after an event. `interactedAt`: the user wrote, tapped or followed at
 * that time (anything but an unfollow or a system event): the account is reachable again and its last
 * interaction moves forward (Zalo's 7-day window counts from it).
 */
export function saveState(accountId: string, state: unknown, interactedAt?: Date): Statement {
  if (interactedAt === undefined) {
    return sql(`UPDATE channel_accounts SET state = $2, updated_at = now() WHERE id = $1`, accountId, JSON.stringify(state));
  }
  return sql(
    `UPDATE channel_accounts SET state = $2, last_interaction_at = GREATEST(last_interaction_at, $3::timestamptz),
            reachable = true, unreachable_reason = NULL, updated_at = now()
      WHERE id = $1`,
    accountId, JSON.stringify(state), interactedAt,
  );
}

/** Links the account to the person (created at consent). */
export function linkPerson(accountId: string, personId: string): Statement {
  return sql(`UPDATE channel_accounts SET person_id = $2 WHERE id = $1`, accountId, personId);
}

/** Erasure: the person's other chats lose their conversations (names, answers) and start over. */
export function forgetOtherConversations(personId: string, exceptAccountId: string): Statement {
  return sql(`UPDATE channel_accounts SET state = NULL, updated_at = now() WHERE person_id = $1 AND id <> $2`, personId, exceptAccountId);
}

/**
 * Reminders are stopped or resumed for the person, not for one chat: the person's other conversations
 * show it too, so that /start in any of them turns campaign messages back on (explicitly).
 */
export function optedOutElsewhere(personId: string, exceptAccountId: string, optedOut: boolean): Statement {
  return sql(
    `UPDATE channel_accounts SET state = jsonb_set(state, '{optedOut}', to_jsonb($3::boolean))
      WHERE person_id = $1 AND id <> $2 AND jsonb_typeof(state -> 'optedOut') = 'boolean'`,
    personId, exceptAccountId, optedOut,
  );
}

/** Unlinks every account of the person (erasure). */
export function unlinkPerson(personId: string): Statement {
  return sql(`UPDATE channel_accounts SET person_id = NULL WHERE person_id = $1`, personId);
}

/** Nothing can be delivered to this account until its user writes again. */
export function unreachableById(accountId: string, reason: string): Statement {
  return sql(
    `UPDATE channel_accounts SET reachable = false, unreachable_reason = $2, updated_at = now() WHERE id = $1`,
    accountId, reason.slice(0, 200),
  );
}

/**
 * The accounts nothing can be delivered to, as a relation (channel, external_id, reason) that another
 * store's statement may join, so that "is it still unreachable?" is checked in that same statement.
 */
export const UNREACHABLE_ACCOUNT = `(SELECT channel, external_id, unreachable_reason AS reason FROM channel_accounts WHERE NOT reachable)`;

/**
 * Erasure: the chats (channel, external_id) of an account and of every account of its person, as a
 * relation another store's statement joins; `account` and `person` are SQL expressions (parameters).
 */
export function erasedChatsSql(account: string, person: string): string {
  return `(SELECT channel, external_id FROM channel_accounts WHERE id = ${account} OR (${person}::uuid IS NOT NULL AND person_id = ${person}::uuid))`;
}

/** The web chat's account id (its cookie value) of an account, NULL for other channels; `account` is SQL. */
export function webAccountIdSql(account: string): string {
  return `(SELECT external_id FROM channel_accounts WHERE id = ${account} AND channel = 'web')`;
}

/** SQL for the channels (sorted, distinct, text[]) a person has chat accounts on; `person` is a column. */
export function personChannelsSql(person: string): string {
  return `COALESCE((SELECT array_agg(DISTINCT c.channel::text ORDER BY c.channel::text) FROM channel_accounts c WHERE c.person_id = ${person}), '{}')`;
}

/**
 * SQL (a subquery): per person, the account a message to them goes to – a reachable one first, then the
 * one used last – among the channels `channels` (an SQL expression of type channel[]); `filter` adds
 * conditions on `ca` (a range of person ids). Columns: person_id, id, channel, reachable,
 * last_interaction_at. One index range scan per chunk, not one lookup per person.
 */
export function preferredAccountPerPersonSql(channels: string, filter = ""): string {
  return `SELECT DISTINCT ON (ca.person_id) ca.person_id, ca.id, ca.channel, ca.reachable, ca.last_interaction_at
    FROM channel_accounts ca
   WHERE ca.person_id IS NOT NULL AND ca.channel = ANY(${channels}) ${filter}
   ORDER BY ca.person_id, ca.reachable DESC, ca.last_interaction_at DESC NULLS LAST, ca.id`;
}

/**
 * SQL (a LATERAL subquery): the person's (`person`, a column) reachable account used last among the
 * channels `channels`. Columns: id, channel, last_interaction_at.
 */
export function lastReachableAccountSql(person: string, channels: string): string {
  return `SELECT ca.id, ca.channel, ca.last_interaction_at FROM channel_accounts ca
     WHERE ca.person_id = ${person} AND ca.reachable AND ca.channel = ANY(${channels})
     ORDER BY ca.last_interaction_at DESC NULLS LAST, ca.id LIMIT 1`;
}

/** What delivery needs of a recipient's account (sent along with other statements: recipientInfoOf reads it). */
export function recipientInfoStatement(channel: ChannelName, externalId: string): Statement {
  return sql(`SELECT last_interaction_at, reachable FROM channel_accounts WHERE channel = $1 AND external_id = $2`, channel, externalId);
}

export function recipientInfoOf(result: pg.QueryResult): RecipientInfo {
  const r = result.rows[0];
  return r ? { lastInteractionAt: r.last_interaction_at, reachable: r.reachable } : { lastInteractionAt: null, reachable: true };
}

export async function recipientInfo(db: Queryable, channel: ChannelName, externalId: string): Promise<RecipientInfo> {
  const s = recipientInfoStatement(channel, externalId);
  return recipientInfoOf(await prepared(db, s));
}

export async function markUnreachable(db: Queryable, channel: ChannelName, externalId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE channel_accounts SET reachable = false, unreachable_reason = $3, updated_at = now()
      WHERE channel = $1 AND external_id = $2`,
    [channel, externalId, reason.slice(0, 200)],
  );
}

/**
 * An interaction that is no conversation event (a Zalo sticker or location): the account is reachable
 * again and its last interaction moves forward. Unknown accounts are left alone.
 */
export async function touchInteraction(db: Queryable, channel: ChannelName, externalId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE channel_accounts SET last_interaction_at = GREATEST(last_interaction_at, $3), reachable = true,
            unreachable_reason = NULL, updated_at = now()
      WHERE channel = $1 AND external_id = $2`,
    [channel, externalId, at],
  );
}

/** The language the account's conversation is in, or null for an unknown account. */
export async function conversationLanguage(db: Queryable, channel: ChannelName, externalId: string): Promise<Lang | null> {
  const { rows } = await db.query<{ lang: string | null }>(
    `SELECT state->>'lang' AS lang FROM channel_accounts WHERE channel = $1 AND external_id = $2`,
    [channel, externalId],
  );
  const lang = rows[0]?.lang;
  return lang === "en" || lang === "vi" ? lang : rows[0] ? "vi" : null;
}
