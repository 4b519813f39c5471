// Materialisation: the audience of a round copied into campaign_recipients in chunks, each one
// INSERT … SELECT over the next `chunkSize` people ids after the round's cursor (keyset pagination: the
// chunk's upper bound is read from people's primary key first), and the cursor moved in the same
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
const MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** Materialises the rest of a round; returns the rows it holds in all and whether it is complete. */
export async function materialiseRound(
  pool: pg.Pool,
  c: CampaignRecord,
  roundNo: number,
  options: MaterialiseOptions = {},
): Promise<{ materialised: number; complete: boolean }> {
  const round = c.rounds[roundNo - 1];
  if (!round) throw new Error(`campaign ${c.id} has no round ${roundNo}`);
  const chunkSize = options.chunkSize ?? 100_000;
  const params = audienceParams(c, round);
  const text = `
WITH chunk AS (
  ${audienceSelect(round, { lo: 6, hi: 7 })}
), ins AS (
  INSERT INTO campaign_recipients (campaign_id, round, person_id, account_id, channel, status, reason)
  SELECT $8::uuid, $9::smallint, person_id, account_id, channel,
         (CASE WHEN opted_out OR NOT reachable THEN 'skipped' ELSE 'pending' END)::campaign_recipient_status,
         CASE WHEN opted_out THEN 'opted_out' WHEN NOT reachable THEN 'unreachable' END
    FROM chunk
  ON CONFLICT (campaign_id, round, person_id) DO NOTHING
  RETURNING 1
)
UPDATE campaign_rounds SET
  cursor = $7::uuid,
  materialised = materialised + (SELECT count(*)::int FROM ins),
  materialised_at = CASE WHEN $10 THEN now() END
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
    const lo = current.cursor ?? ZERO_UUID;
    const { rows: bound } = await pool.query(`SELECT id FROM people WHERE id > $1 ORDER BY id OFFSET $2 LIMIT 1`, [lo, chunkSize - 1]);
    const last = !bound[0];
    const hi = bound[0]?.id ?? MAX_UUID;
    const client = await pool.connect();
    let rows: { materialised: number; materialised_at: Date | null }[];
    try {
      await client.query("BEGIN");
      // A chunk's sorts and hashes fit in memory instead of spilling to disk.
      await client.query("SET LOCAL work_mem = '64MB'");
      rows = (await client.query(text, [...params, lo, hi, c.id, roundNo, last])).rows;
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const after = rows[0]!;
    options.onChunk?.(after.materialised);
    if (after.materialised_at) return { materialised: after.materialised, complete: true };
  }
}
