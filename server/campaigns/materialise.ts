// Materialisation: the audience of a round copied into campaign_recipients in chunks, each one
// INSERT … SELECT with keyset pagination over people.id, and the round's cursor moved in the same
// statement – a crash resumes after the last chunk, and the unique (campaign, round, person) key makes a
// repeated chunk a no-op. Opted-out and unreachable people are recorded as skipped with their reason.
import type pg from "pg";
import { audienceParams, audienceSelect } from "./audience.ts";
import type { CampaignRecord } from "./store.ts";

export interface MaterialiseOptions {
  chunkSize?: number;
  /** Called after each chunk (progress output). */
  onChunk?: (done: number) => void;
}

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** Materialises the rest of a round; returns the rows it holds in all and whether it is complete. */
export async function materialiseRound(
  pool: pg.Pool,
  c: CampaignRecord,
  roundNo: number,
  options: MaterialiseOptions = {},
): Promise<{ materialised: number; complete: boolean }> {
  const round = c.rounds[roundNo - 1];
  if (!round) throw new Error(`campaign ${c.id} has no round ${roundNo}`);
  const chunkSize = options.chunkSize ?? 20_000;
  const params = audienceParams(c, round);
  const text = `
WITH chunk AS (
  ${audienceSelect(round, "AND p.id > $6::uuid", "ORDER BY p.id LIMIT $7")}
), ins AS (
  INSERT INTO campaign_recipients (campaign_id, round, person_id, account_id, channel, status, reason)
  SELECT $8::uuid, $9::smallint, person_id, account_id, channel,
         (CASE WHEN opted_out OR NOT reachable THEN 'skipped' ELSE 'pending' END)::campaign_recipient_status,
         CASE WHEN opted_out THEN 'opted_out' WHEN NOT reachable THEN 'unreachable' END
    FROM chunk
  ON CONFLICT (campaign_id, round, person_id) DO NOTHING
  RETURNING 1
), seen AS (
  SELECT count(*)::int AS n, (SELECT person_id FROM chunk ORDER BY person_id DESC LIMIT 1) AS last FROM chunk
)
UPDATE campaign_rounds SET
  cursor = COALESCE((SELECT last FROM seen), cursor),
  materialised = materialised + (SELECT count(*)::int FROM ins),
  materialised_at = CASE WHEN (SELECT n FROM seen) < $7 THEN now() END
 WHERE campaign_id = $8 AND round = $9
RETURNING cursor, materialised, materialised_at`;
  for (;;) {
    const { rows: state } = await pool.query(
      `SELECT cursor, materialised, materialised_at FROM campaign_rounds WHERE campaign_id = $1 AND round = $2`,
      [c.id, roundNo],
    );
    const current = state[0];
    if (!current) throw new Error(`campaign ${c.id} has no round ${roundNo}`);
    if (current.materialised_at) return { materialised: current.materialised, complete: true };
    const { rows } = await pool.query(text, [...params, current.cursor ?? ZERO_UUID, chunkSize, c.id, roundNo]);
    const after = rows[0]!;
    options.onChunk?.(after.materialised);
    if (after.materialised_at) return { materialised: after.materialised, complete: true };
  }
}
