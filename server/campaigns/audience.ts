// The audience of a campaign round as SQL: who it reaches, through which of their accounts, and where
// they stand this year. Shared by the plan (counted), the materialisation (copied in chunks) and the
// send-time re-check. Values are bound parameters; the builder only chooses fixed SQL fragments.
import { preferredAccountPerPersonSql } from "../accounts/store.ts";
import { sql, type Statement } from "../db/statement.ts";
import type { RoundDefinition } from "./definition.ts";
import type { CampaignRecord } from "./store.ts";

/** Parameters $1–$5 of every audience query. */
export function audienceParams(c: CampaignRecord, round: RoundDefinition): unknown[] {
  return [
    c.audience.units.map((u) => u.id),
    c.audience.groups,
    round.statuses ?? c.audience.statuses,
    c.audience.channels,
    c.year,
  ];
}

const TREE = `tree AS (
  SELECT id FROM units WHERE id = ANY($1::uuid[])
  UNION
  SELECT u.id FROM units u JOIN tree ON u.parent_id = tree.id
)`;

/** A range of people ids (lo exclusive, hi inclusive): one chunk of the materialisation. */
export interface IdRange {
  /** Parameter numbers of the two bounds, e.g. [6, 7]. */
  lo: number;
  hi: number;
}

const within = (column: string, r?: IdRange) => (r ? `AND ${column} > $${r.lo}::uuid AND ${column} <= $${r.hi}::uuid` : "");

/**
 * The account a campaign message goes to: a reachable one first, then the one used last. Written as a
 * DISTINCT ON over a range of person ids rather than a LATERAL … LIMIT 1, so that a chunk is one index
 * range scan merged with the people, not one lookup per person.
 */
const account = (r?: IdRange) => `JOIN (
  ${preferredAccountPerPersonSql("$4::channel[]", within("ca.person_id", r))}) a ON a.person_id = p.id`;

/** The person's open assessment of the year (the latest started), if any. */
const assessment = (r?: IdRange) => `LEFT JOIN (
  SELECT DISTINCT ON (s.person_id) s.person_id, s.status
    FROM assessments s
   WHERE s.year = $5 AND s.status NOT IN ('withdrawn', 'rejected') ${within("s.person_id", r)}
   ORDER BY s.person_id, s.started_at DESC) s ON s.person_id = p.id`;

const STATUS = `COALESCE(s.status::text, 'not_started')`;

/**
 * Rows (person_id, account_id, channel, reachable, last_interaction_at, opted_out, status) of the round's
 * audience, optionally restricted to a range of person ids (parameters from $6 on).
 */
export function audienceSelect(round: RoundDefinition, range?: IdRange): string {
  if (round.to === "officers") {
    return `WITH RECURSIVE ${TREE}
SELECT DISTINCT ON (p.id) p.id AS person_id, a.id AS account_id, a.channel, a.reachable, a.last_interaction_at,
       p.opt_out_at IS NOT NULL AS opted_out, 'officer' AS status
  FROM officers o
  JOIN people p ON p.id = o.person_id
  ${account(range)}
 WHERE o.active AND p.erased_at IS NULL
   AND (cardinality($1::uuid[]) = 0 OR o.unit_id IN (SELECT id FROM tree))
   AND cardinality($2::text[]) >= 0 AND cardinality($3::text[]) >= 0
   AND EXISTS (SELECT 1 FROM assessments s WHERE s.unit_id = o.unit_id AND s.year = $5 AND s.status = 'submitted')
   ${within("p.id", range)}
 ORDER BY p.id`;
  }
  return `WITH RECURSIVE ${TREE}
SELECT p.id AS person_id, a.id AS account_id, a.channel, a.reachable, a.last_interaction_at,
       p.opt_out_at IS NOT NULL AS opted_out, ${STATUS} AS status
  FROM people p
  ${account(range)}
  ${assessment(range)}
 WHERE p.erased_at IS NULL AND p.consent_at IS NOT NULL
   AND (cardinality($1::uuid[]) = 0 OR p.unit_id IN (SELECT id FROM tree))
   AND (cardinality($2::text[]) = 0 OR p.target_group::text = ANY($2::text[]))
   AND ${STATUS} = ANY($3::text[])
   ${within("p.id", range)}`;
}

/** Counts of the audience by channel, status and reach class at the instant $6 (the round's send time). */
export function audienceCounts(c: CampaignRecord, round: RoundDefinition, at: Date, templateOk: boolean, promotionOk = false): Statement {
  return sql(
    `SELECT channel::text AS channel, status, reach, count(*)::int AS n FROM (
       SELECT channel, status,
              CASE WHEN opted_out THEN 'opted_out'
                   WHEN NOT reachable THEN 'unreachable'
                   WHEN channel <> 'zalo' THEN 'ok'
                   WHEN last_interaction_at >= $6::timestamptz - interval '7 days' THEN 'consultation'
                   WHEN $8 THEN 'promotion'
                   WHEN $7 AND last_interaction_at >= $6::timestamptz - interval '365 days' THEN 'template'
                   ELSE 'unreachable' END AS reach
         FROM (${audienceSelect(round)}) x) y
     GROUP BY 1, 2, 3`,
    ...audienceParams(c, round), at, templateOk, promotionOk,
  );
}
