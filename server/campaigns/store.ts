// SQL over campaigns and campaign_rounds: create a validated definition, read one (or the latest),
// and move a campaign between draft, running, paused, cancelled and finished. Recipients: recipients.ts.
import type pg from "pg";
import { roundDate, minutesOf, type CampaignDefinition, type RoundDefinition } from "./definition.ts";

type Queryable = Pick<pg.Pool, "query">;

export type CampaignStatus = "draft" | "running" | "paused" | "cancelled" | "finished";

export interface StoredAudience {
  units: { code: string; id: string }[];
  groups: string[];
  statuses: NonNullable<RoundDefinition["statuses"]>;
  channels: ("telegram" | "zalo" | "web")[];
}

export interface CampaignRecord {
  id: string;
  name: string;
  preset: string | null;
  year: number;
  theme: string | null;
  signature: string | null;
  from: string;
  to: string;
  window: { startMin: number; endMin: number };
  audience: StoredAudience;
  rounds: RoundDefinition[];
  zaloBudget: number | null;
  zaloSpent: number;
  status: CampaignStatus;
  statusReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const COLUMNS = `id, name, preset, year, theme, signature, starts_on::text AS starts_on, ends_on::text AS ends_on,
  window_start_min, window_end_min, audience, rounds, zalo_budget, zalo_spent, status, status_reason,
  created_at, started_at, finished_at`;

function record(r: Record<string, any>): CampaignRecord {
  return {
    id: r.id,
    name: r.name,
    preset: r.preset,
    year: r.year,
    theme: r.theme,
    signature: r.signature,
    from: r.starts_on,
    to: r.ends_on,
    window: { startMin: r.window_start_min, endMin: r.window_end_min },
    audience: r.audience,
    rounds: r.rounds,
    zaloBudget: r.zalo_budget === null ? null : Number(r.zalo_budget),
    zaloSpent: Number(r.zalo_spent),
    status: r.status,
    statusReason: r.status_reason,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Stores a validated definition (unit codes must exist) with one row per round; a draft. */
export async function createCampaign(pool: pg.Pool, d: CampaignDefinition): Promise<StoreResult<CampaignRecord>> {
  const codes = [...new Set(d.audience.units)];
  const { rows: found } = await pool.query<{ id: string; code: string; name: string }>(
    `SELECT id, code, name FROM units WHERE code = ANY($1::text[])`,
    [codes],
  );
  const missing = codes.filter((c) => !found.some((u) => u.code === c));
  if (missing.length > 0) return { ok: false, code: "unit_not_found", message: `no unit with code ${missing.join(", ")} (audience units)` };
  const audience: StoredAudience = {
    units: codes.map((code) => ({ code, id: found.find((u) => u.code === code)!.id })),
    groups: d.audience.groups,
    statuses: d.audience.statuses,
    channels: d.audience.channels,
  };
  // Signed by the one unit the campaign is for, unless told otherwise; else by each recipient's own unit.
  const signature = d.signature ?? (found.length === 1 ? found[0]!.name : null);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query(
      `INSERT INTO campaigns (name, preset, year, theme, signature, starts_on, ends_on, window_start_min, window_end_min,
                              audience, rounds, zalo_budget)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
      [d.name, d.preset ?? null, d.year, d.theme ?? null, signature, d.from, d.to, minutesOf(d.window.start),
        minutesOf(d.window.end), JSON.stringify(audience), JSON.stringify(d.rounds), d.zaloBudget ?? null],
    );
    const c = record(rows[0]!);
    await client.query(
      `INSERT INTO campaign_rounds (campaign_id, round, send_on)
       SELECT $1, n, d::date FROM unnest($2::int[], $3::text[]) AS r(n, d)`,
      [c.id, d.rounds.map((_, i) => i + 1), d.rounds.map((r) => roundDate(d.from, r.day))],
    );
    await client.query("COMMIT");
    return { ok: true, value: c };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A campaign by id (or a unique id prefix of at least 4 characters), or the latest when none is given. */
export async function findCampaign(db: Queryable, id?: string): Promise<StoreResult<CampaignRecord>> {
  if (id === undefined) {
    const { rows } = await db.query(`SELECT ${COLUMNS} FROM campaigns ORDER BY created_at DESC, id DESC LIMIT 1`);
    return rows[0] ? { ok: true, value: record(rows[0]) } : { ok: false, code: "none", message: "no campaign yet: npm run admin -- campaign create …" };
  }
  if (UUID.test(id)) {
    const { rows } = await db.query(`SELECT ${COLUMNS} FROM campaigns WHERE id = $1`, [id]);
    return rows[0] ? { ok: true, value: record(rows[0]) } : { ok: false, code: "not_found", message: `no campaign ${id}` };
  }
  if (!/^[0-9a-f-]{4,35}$/i.test(id)) return { ok: false, code: "invalid", message: `${id} is not a campaign id` };
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM campaigns WHERE id::text LIKE $1 || '%' LIMIT 2`, [id.toLowerCase()]);
  if (rows.length === 1) return { ok: true, value: record(rows[0]!) };
  return { ok: false, code: rows.length ? "ambiguous" : "not_found", message: rows.length ? `${id} matches several campaigns; give more of the id` : `no campaign ${id}` };
}

export async function campaignsWithStatus(db: Queryable, statuses: CampaignStatus[]): Promise<CampaignRecord[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM campaigns WHERE status = ANY($1::campaign_status[]) ORDER BY created_at`, [statuses]);
  return rows.map(record);
}

export const TRANSITIONS = {
  start: { from: ["draft"], to: "running" },
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["draft", "running", "paused"], to: "cancelled" },
} as const satisfies Record<string, { from: CampaignStatus[]; to: CampaignStatus }>;
export type Transition = keyof typeof TRANSITIONS;

/**
 * Moves the campaign if its status allows it (checked in the UPDATE itself, so two admins cannot both
 * succeed). A cancel also skips every recipient not yet handed to the outbox.
 */
export async function transition(pool: pg.Pool, id: string, action: Transition): Promise<StoreResult<CampaignRecord>> {
  const { from, to } = TRANSITIONS[action];
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query(
      `UPDATE campaigns SET status = $2::campaign_status, updated_at = now(),
              started_at = CASE WHEN $2 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
              finished_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE finished_at END,
              status_reason = CASE WHEN $2 = 'running' AND status_reason = 'zalo_budget' THEN status_reason ELSE NULL END
        WHERE id = $1 AND status = ANY($3::campaign_status[]) RETURNING ${COLUMNS}`,
      [id, to, from],
    );
    if (!rows[0]) {
      await client.query("ROLLBACK");
      const { rows: current } = await client.query(`SELECT status FROM campaigns WHERE id = $1`, [id]);
      if (!current[0]) return { ok: false, code: "not_found", message: `no campaign ${id}` };
      return { ok: false, code: "wrong_status", message: `campaign is ${current[0].status}: ${action} needs it ${from.join(" or ")}` };
    }
    if (to === "cancelled") {
      await client.query(
        `UPDATE campaign_recipients SET status = 'skipped', reason = 'cancelled' WHERE campaign_id = $1 AND status = 'pending'`,
        [id],
      );
    }
    await client.query("COMMIT");
    return { ok: true, value: record(rows[0]) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export interface RoundRow {
  round: number;
  sendOn: string;
  cursor: string | null;
  materialised: number;
  materialisedAt: Date | null;
}

export async function roundRows(db: Queryable, campaignId: string): Promise<RoundRow[]> {
  const { rows } = await db.query(
    `SELECT round, send_on::text AS send_on, cursor, materialised, materialised_at FROM campaign_rounds
      WHERE campaign_id = $1 ORDER BY round`,
    [campaignId],
  );
  return rows.map((r) => ({ round: r.round, sendOn: r.send_on, cursor: r.cursor, materialised: r.materialised, materialisedAt: r.materialised_at }));
}
