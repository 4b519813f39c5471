// SQL fragments over channel_accounts for other stores' queries (reports, uploads, review, retention):
// they read or join chat accounts through these, so that every statement naming the table lives in
// this folder. Arguments are SQL expressions (column names or placeholders), never values.
import { sql, type Statement } from "../db/statement.ts";

/** The id of the chat account of (channel, external id), NULL when there is none. */
export function accountIdOfChatSql(channel: string, externalId: string): string {
  return `(SELECT c.id FROM channel_accounts c WHERE c.channel = ${channel} AND c.external_id = ${externalId})`;
}

/** The web chat account with this cookie id as a one-row table (state, person_id, external_id), or none. */
export function webChatAccountSql(externalId: string): string {
  return `(SELECT c.state, c.person_id, c.external_id FROM channel_accounts c WHERE c.channel = 'web' AND c.external_id = ${externalId})`;
}

/** The person of the web chat account with this cookie id, NULL when there is none. */
export function webChatPersonSql(externalId: string): string {
  return `(SELECT c.person_id FROM channel_accounts c WHERE c.channel = 'web' AND c.external_id = ${externalId})`;
}

/** Whether any chat account of the person was used at or after `since` (a timestamptz expression). */
export function personActiveSinceSql(person: string, since: string): string {
  return `EXISTS (SELECT 1 FROM channel_accounts c WHERE c.person_id = ${person} AND c.last_interaction_at >= ${since})`;
}

/** The chats (channel, external_id) of the persons in `persons` (a uuid[] expression). */
export function personsChatsSql(persons: string): string {
  return `(SELECT channel, external_id FROM channel_accounts WHERE person_id = ANY(${persons}))`;
}

/** Locks the chat accounts of these persons as the inbound pipeline does (account rows FOR UPDATE). */
export function lockPersonsAccounts(personIds: string[]): Statement {
  return sql(`SELECT id FROM channel_accounts WHERE person_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, personIds);
}

/** Erasure of these persons: their chats keep nothing of the conversation and belong to nobody. */
export function forgetPersonsAccounts(personIds: string[]): Statement {
  return sql(`UPDATE channel_accounts SET state = NULL, person_id = NULL, updated_at = now() WHERE person_id = ANY($1::uuid[])`, personIds);
}
