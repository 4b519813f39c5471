// Addressed output: who a message for "a person" or "a unit's officers" reaches, resolved inside the
// transaction of the event that produced it. One recipient per chat account, with the language the
// account's conversation is in (else the person's), so that each gets the message in its own language.
import type pg from "pg";
import type { Addressee, ChannelName, Lang } from "../../bot/types.ts";
import { sql, type Statement } from "../db/statement.ts";

export interface Recipient {
  accountId: string;
  channel: ChannelName;
  externalId: string;
  lang: Lang;
}

/** Which officers a unit's notices reach besides its active officers (role `officer`). */
export interface OfficerScope {
  /** The unit's leads (role `lead`). */
  leads: boolean;
  /** The active officers (and leads, as above) of the parent unit. */
  parentUnit: boolean;
}

/** A stable key for an addressee (the same addressee twice in one step resolves once). */
export function addresseeKey(to: Addressee): string {
  if (to.kind === "account") return `account:${to.accountId}`;
  return to.kind === "person" ? `person:${to.personId}:${to.accounts ?? "last"}` : `unit_officers:${to.unitId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The statement that lists an addressee's recipients; null when the addressee cannot name anyone (an id
 * that is no uuid). Opted-out people get no bulk messages.
 */
export function recipientsStatement(to: Addressee, scope: OfficerScope, bulk: boolean): Statement | null {
  if (to.kind === "person") {
    if (!UUID.test(to.personId)) return null;
    return sql(
      `SELECT a.id, a.channel, a.external_id, COALESCE(a.state->>'lang', p.language) AS lang
         FROM channel_accounts a JOIN people p ON p.id = a.person_id
        WHERE a.person_id = $1::uuid AND a.reachable AND NOT ($3 AND p.opt_out_at IS NOT NULL)
        ORDER BY a.last_interaction_at DESC NULLS LAST, a.id
        LIMIT CASE WHEN $2 THEN NULL ELSE 1 END`,
      to.personId, to.accounts === "all", bulk,
    );
  }
  if (to.kind === "account") {
    if (!UUID.test(to.accountId)) return null;
    return sql(
      `SELECT a.id, a.channel, a.external_id, COALESCE(a.state->>'lang', p.language) AS lang
         FROM channel_accounts a LEFT JOIN people p ON p.id = a.person_id
        WHERE a.id = $1::uuid AND a.reachable AND NOT ($2 AND p.opt_out_at IS NOT NULL)`,
      to.accountId, bulk,
    );
  }
  if (!UUID.test(to.unitId)) return null;
  return sql(
    `SELECT DISTINCT ON (o.person_id) a.id, a.channel, a.external_id, COALESCE(a.state->>'lang', p.language) AS lang
       FROM officers o
       JOIN people p ON p.id = o.person_id
       JOIN channel_accounts a ON a.person_id = o.person_id AND a.reachable
      WHERE o.active AND (o.role = 'officer' OR $2) AND NOT ($4 AND p.opt_out_at IS NOT NULL)
        AND (o.unit_id = $1::uuid OR ($3 AND o.unit_id = (SELECT parent_id FROM units WHERE id = $1::uuid)))
      ORDER BY o.person_id, a.last_interaction_at DESC NULLS LAST, a.id`,
    to.unitId, scope.leads, scope.parentUnit, bulk,
  );
}

export function recipientsOf(result: pg.QueryResult): Recipient[] {
  return result.rows.map((r) => ({
    accountId: String(r.id),
    channel: r.channel,
    externalId: r.external_id,
    lang: r.lang === "en" ? "en" : "vi",
  }));
}
