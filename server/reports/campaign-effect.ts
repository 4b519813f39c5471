// Campaign effect per unit, rolled up the tree: of the people a campaign of the year messaged, how many
// started, submitted and got confirmed within N days after their first campaign message, against the
// people of the same units it did not message over the N days after the campaign's first message.
// Reads the campaign tables (owned by server/campaigns), people and assessments; changes nothing.
import type pg from "pg";
import { subtree } from "./store.ts";

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export interface EffectFigures {
  people: number;
  /** Started an assessment of the year within the window. */
  started: number;
  /** Submitted one (finished the self-assessment and sent it) within the window. */
  submitted: number;
  /** Had one confirmed by an officer within the window. */
  confirmed: number;
  /** The counts over people, 0–1; null without people. */
  startedShare: number | null;
  submittedShare: number | null;
  confirmedShare: number | null;
}

export interface UnitEffect {
  id: string;
  code: string;
  name: string;
  parentCode: string | null;
  depth: number;
  messaged: EffectFigures;
  notMessaged: EffectFigures;
}

export interface CampaignEffect {
  year: number;
  days: number;
  /** One campaign, or null: every campaign of the year. */
  campaign: { id: string; name: string } | null;
  /** The first campaign message in scope: where the not-messaged people's window starts; null: none sent. */
  firstMessageAt: Date | null;
  units: UnitEffect[];
}

export const DEFAULT_EFFECT_DAYS = 14;

/** A campaign by id (read-only), for the report's heading; undefined when there is none. */
export async function campaignName(db: Queryable, id: string): Promise<{ id: string; name: string; year: number } | undefined> {
  const { rows } = await db.query<{ id: string; name: string; year: number }>(`SELECT id, name, year FROM campaigns WHERE id = $1::uuid`, [id]);
  return rows[0];
}

interface Counts {
  people: number;
  started: number;
  submitted: number;
  confirmed: number;
}

const zero = (): Counts => ({ people: 0, started: 0, submitted: 0, confirmed: 0 });
const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
const figures = (c: Counts): EffectFigures => ({
  ...c,
  startedShare: ratio(c.started, c.people),
  submittedShare: ratio(c.submitted, c.people),
  confirmedShare: ratio(c.confirmed, c.people),
});

export async function campaignEffect(
  db: Queryable,
  rootIds: string[] | null,
  year: number,
  options: { days?: number; campaign?: { id: string; name: string } } = {},
): Promise<CampaignEffect> {
  const days = options.days ?? DEFAULT_EFFECT_DAYS;
  const units = await subtree(db, rootIds);
  const ids = rootIds === null ? null : units.map((u) => u.id);
  const campaignId = options.campaign?.id ?? null;
  // Per person: the unit, the first campaign message (msg_at) and the first start, submission and
  // confirmation of the year. The whole province aggregates in bulk; a subtree looks its people up by
  // index (a commune: ~10,000 people instead of every row of the year).
  const scoped = `r.status = 'queued' AND r.queued_at IS NOT NULL AND c.year = $1 AND ($3::uuid IS NULL OR r.campaign_id = $3::uuid)`;
  const perPerson =
    ids === null
      ? `msg AS (SELECT r.person_id, min(r.queued_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE ${scoped} GROUP BY r.person_id),
         a AS (SELECT person_id, min(started_at) AS started_at, min(submitted_at) AS submitted_at,
                      min(decided_at) FILTER (WHERE status = 'confirmed') AS confirmed_at
                 FROM assessments WHERE year = $1 AND status <> 'withdrawn' AND person_id IS NOT NULL GROUP BY person_id),
         x AS (SELECT p.unit_id, m.at AS msg_at, a.started_at, a.submitted_at, a.confirmed_at
                 FROM people p LEFT JOIN msg m ON m.person_id = p.id LEFT JOIN a ON a.person_id = p.id
                WHERE p.erased_at IS NULL AND p.unit_id IS NOT NULL AND $2::uuid[] IS NULL)`
      : `x AS (SELECT p.unit_id, m.at AS msg_at, a.started_at, a.submitted_at, a.confirmed_at
                 FROM people p
                 LEFT JOIN LATERAL (SELECT min(r.queued_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                                     WHERE r.person_id = p.id AND ${scoped}) m ON true
                 LEFT JOIN LATERAL (SELECT min(started_at) AS started_at, min(submitted_at) AS submitted_at,
                                           min(decided_at) FILTER (WHERE status = 'confirmed') AS confirmed_at
                                      FROM assessments WHERE person_id = p.id AND year = $1 AND status <> 'withdrawn') a ON true
                WHERE p.erased_at IS NULL AND p.unit_id = ANY($2::uuid[]))`;
  const { rows } = await db.query<{ unit_id: string; messaged: boolean; first_at: Date | null } & Counts>(
    `WITH first AS (SELECT min(r.queued_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE ${scoped}),
     ${perPerson}
     SELECT x.unit_id, x.msg_at IS NOT NULL AS messaged, max(first.at) AS first_at, count(*)::int AS people,
            count(*) FILTER (WHERE x.started_at >= w.since AND x.started_at < w.since + $4 * interval '1 day')::int AS started,
            count(*) FILTER (WHERE x.submitted_at >= w.since AND x.submitted_at < w.since + $4 * interval '1 day')::int AS submitted,
            count(*) FILTER (WHERE x.confirmed_at >= w.since AND x.confirmed_at < w.since + $4 * interval '1 day')::int AS confirmed
       FROM x CROSS JOIN first CROSS JOIN LATERAL (SELECT coalesce(x.msg_at, first.at) AS since) w
      GROUP BY x.unit_id, x.msg_at IS NOT NULL`,
    [year, ids, campaignId, days],
  );
  let firstMessageAt: Date | null = null;
  const own = new Map<string, { messaged: Counts; notMessaged: Counts }>();
  for (const r of rows) {
    if (r.first_at) firstMessageAt = r.first_at;
    let entry = own.get(r.unit_id);
    if (!entry) own.set(r.unit_id, (entry = { messaged: zero(), notMessaged: zero() }));
    Object.assign(r.messaged ? entry.messaged : entry.notMessaged, { people: r.people, started: r.started, submitted: r.submitted, confirmed: r.confirmed });
  }
  if (!firstMessageAt) {
    const { rows: first } = await db.query<{ at: Date | null }>(
      `SELECT min(r.queued_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
        WHERE c.year = $1 AND r.status = 'queued' AND ($2::uuid IS NULL OR r.campaign_id = $2::uuid)`,
      [year, campaignId],
    );
    firstMessageAt = first[0]?.at ?? null;
  }
  // Roll up, children before parents (reverse depth-first order).
  const rolled = new Map<string, { messaged: Counts; notMessaged: Counts }>();
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parent_id) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
  const add = (into: Counts, from: Counts) => {
    into.people += from.people;
    into.started += from.started;
    into.submitted += from.submitted;
    into.confirmed += from.confirmed;
  };
  for (const u of [...units].reverse()) {
    const sum = { messaged: zero(), notMessaged: zero() };
    const mine = own.get(u.id);
    if (mine) (add(sum.messaged, mine.messaged), add(sum.notMessaged, mine.notMessaged));
    for (const c of children.get(u.id) ?? []) {
      const child = rolled.get(c);
      if (child) (add(sum.messaged, child.messaged), add(sum.notMessaged, child.notMessaged));
    }
    rolled.set(u.id, sum);
  }
  return {
    year,
    days,
    campaign: options.campaign ? { id: options.campaign.id, name: options.campaign.name } : null,
    firstMessageAt,
    units: units.map((u) => {
      const r = rolled.get(u.id)!;
      return { id: u.id, code: u.code, name: u.name, parentCode: u.parent_code, depth: u.depth, messaged: figures(r.messaged), notMessaged: figures(r.notMessaged) };
    }),
  };
}
