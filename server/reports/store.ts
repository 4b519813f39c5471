// Figures per unit and year, rolled up the unit tree: members, started, submitted, confirmed and the
// share confirmed of members against the target, by target group; learning-unit eligibility
// (Thông tư 24/2023: at least 90% of members hold the title); weekly progress. Read-only SQL.
import type pg from "pg";
import { TARGET_GROUPS, type TargetGroup } from "../units/store.ts";
import type { UnitKind } from "../units/tree.ts";

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/** Share of members holding the title for a learning unit (đơn vị học tập). */
export const LEARNING_UNIT_SHARE = 0.9;

export interface Figures {
  members: number | null;
  started: number;
  submitted: number;
  confirmed: number;
  /** confirmed / members, 0–1, null when members are unknown. */
  share: number | null;
}

export interface GroupFigures extends Figures {
  targetGroup: TargetGroup;
  /** This unit's own target for the group, percent. */
  targetPercent: number | null;
  meetsTarget: boolean | null;
}

export interface UnitReport extends Figures {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  depth: number;
  /** Members-weighted target over the groups with a target (percent), null without targets. */
  targetPercent: number | null;
  meetsTarget: boolean | null;
  /** At least 90% of members hold the title. */
  learningUnit: boolean | null;
  groups: GroupFigures[];
}

interface TreeRow {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parent_id: string | null;
  parent_code: string | null;
  member_count: number | null;
  depth: number;
}

/**
 * The units at and below the roots (null: the whole province), depth-first by code. The tree is ordered
 * here rather than in SQL: sorting thousands of path arrays in PostgreSQL cost more than the report.
 */
export async function subtree(db: Queryable, rootIds: string[] | null): Promise<TreeRow[]> {
  const { rows } = await db.query<Omit<TreeRow, "depth" | "parent_code">>(
    rootIds === null
      ? `SELECT id, code, name, kind::text AS kind, parent_id, member_count FROM units`
      : `WITH RECURSIVE t AS (
           SELECT id, code, name, kind, parent_id, member_count FROM units WHERE id = ANY($1::uuid[])
           UNION SELECT c.id, c.code, c.name, c.kind, c.parent_id, c.member_count FROM units c JOIN t ON c.parent_id = t.id)
         SELECT id, code, name, kind::text AS kind, parent_id, member_count FROM t`,
    rootIds === null ? [] : [rootIds],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const children = new Map<string, typeof rows>();
  const roots: typeof rows = [];
  for (const r of rows) {
    const parent = r.parent_id && !(rootIds?.includes(r.id)) ? byId.get(r.parent_id) : undefined;
    if (parent) {
      let list = children.get(parent.id);
      if (!list) children.set(parent.id, (list = []));
      list.push(r);
    } else roots.push(r);
  }
  const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const out: TreeRow[] = [];
  const parentCodes = rootIds === null ? undefined : new Map<string, string | null>();
  if (parentCodes && roots.some((r) => r.parent_id)) {
    const { rows: ps } = await db.query<{ id: string; code: string }>(`SELECT id, code FROM units WHERE id = ANY($1::uuid[])`, [roots.map((r) => r.parent_id).filter(Boolean)]);
    for (const p of ps) parentCodes.set(p.id, p.code);
  }
  const walk = (list: typeof rows, depth: number, parentCode: string | null) => {
    for (const r of list.sort(byCode)) {
      out.push({ ...r, depth, parent_code: parentCode });
      walk(children.get(r.id) ?? [], depth + 1, r.code);
    }
  };
  for (const root of roots.sort(byCode)) {
    out.push({ ...root, depth: 0, parent_code: root.parent_id ? (parentCodes?.get(root.parent_id) ?? byId.get(root.parent_id)?.code ?? null) : null });
    walk(children.get(root.id) ?? [], 1, root.code);
  }
  return out;
}

const share = (confirmed: number, members: number | null) => (members && members > 0 ? confirmed / members : null);

/** The report of a year for the units at and below the roots (null: every root of the province). */
export async function reportFor(db: Queryable, rootIds: string[] | null, year: number): Promise<UnitReport[]> {
  const units = await subtree(db, rootIds);
  if (units.length === 0) return [];
  const ids = units.map((u) => u.id);
  const counts = await db.query<{ unit_id: string; target_group: TargetGroup; started: number; submitted: number; confirmed: number }>(
    `SELECT unit_id, target_group::text AS target_group,
            count(*) FILTER (WHERE status <> 'withdrawn')::int AS started,
            count(*) FILTER (WHERE status IN ('submitted', 'confirmed', 'rejected', 'needs_more'))::int AS submitted,
            count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed
       FROM assessments
      WHERE year = $1 AND ($2::uuid[] IS NULL OR unit_id = ANY($2::uuid[]))
      GROUP BY unit_id, target_group`,
    [year, rootIds === null ? null : ids],
  );
  const targets = await db.query<{ unit_id: string; target_group: TargetGroup; percent: number; members: number | null }>(
    `SELECT unit_id, target_group::text AS target_group, percent, members FROM unit_targets
      WHERE year = $1 AND ($2::uuid[] IS NULL OR unit_id = ANY($2::uuid[]))`,
    [year, rootIds === null ? null : ids],
  );
  type Acc = { started: number; submitted: number; confirmed: number; groupMembers: number | null };
  const own = new Map<string, Map<TargetGroup, Acc>>();
  const acc = (unitId: string, g: TargetGroup): Acc => {
    let m = own.get(unitId);
    if (!m) own.set(unitId, (m = new Map()));
    let a = m.get(g);
    if (!a) m.set(g, (a = { started: 0, submitted: 0, confirmed: 0, groupMembers: null }));
    return a;
  };
  for (const c of counts.rows) Object.assign(acc(c.unit_id, c.target_group), { started: c.started, submitted: c.submitted, confirmed: c.confirmed });
  const targetOf = new Map<string, number>();
  for (const t of targets.rows) {
    acc(t.unit_id, t.target_group).groupMembers = t.members;
    targetOf.set(`${t.unit_id}:${t.target_group}`, t.percent);
  }
  // Roll up, children before parents (reverse depth-first order). A unit's member count, when set,
  // counts everyone at and below it; otherwise its members are the sum of its children's.
  const rolled = new Map<string, { members: number | null; groups: Map<TargetGroup, Acc> }>();
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parent_id) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
  for (const u of [...units].reverse()) {
    const groups = new Map<TargetGroup, Acc>();
    for (const g of TARGET_GROUPS) {
      const mine = own.get(u.id)?.get(g);
      const sum: Acc = { started: mine?.started ?? 0, submitted: mine?.submitted ?? 0, confirmed: mine?.confirmed ?? 0, groupMembers: null };
      let childMembers: number | null = null;
      for (const c of children.get(u.id) ?? []) {
        const cg = rolled.get(c)!.groups.get(g)!;
        sum.started += cg.started;
        sum.submitted += cg.submitted;
        sum.confirmed += cg.confirmed;
        if (cg.groupMembers !== null) childMembers = (childMembers ?? 0) + cg.groupMembers;
      }
      sum.groupMembers = mine?.groupMembers ?? childMembers;
      groups.set(g, sum);
    }
    let members: number | null = u.member_count;
    if (members === null) {
      for (const c of children.get(u.id) ?? []) {
        const m = rolled.get(c)!.members;
        if (m !== null) members = (members ?? 0) + m;
      }
    }
    rolled.set(u.id, { members, groups });
  }
  return units.map((u) => {
    const r = rolled.get(u.id)!;
    const groups: GroupFigures[] = TARGET_GROUPS.map((g) => {
      const a = r.groups.get(g)!;
      const targetPercent = targetOf.get(`${u.id}:${g}`) ?? null;
      const s = share(a.confirmed, a.groupMembers);
      return {
        targetGroup: g, members: a.groupMembers, started: a.started, submitted: a.submitted, confirmed: a.confirmed, share: s,
        targetPercent, meetsTarget: targetPercent === null || s === null ? null : s * 100 >= targetPercent,
      };
    });
    const totals = { started: 0, submitted: 0, confirmed: 0 };
    for (const g of groups) (totals.started += g.started), (totals.submitted += g.submitted), (totals.confirmed += g.confirmed);
    const withTarget = groups.filter((g) => g.targetPercent !== null);
    const weights = withTarget.map((g) => g.members ?? 0);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const targetPercent = withTarget.length === 0 ? null
      : weightSum > 0 ? Math.round(withTarget.reduce((a, g, i) => a + g.targetPercent! * weights[i]!, 0) / weightSum)
      : Math.round(withTarget.reduce((a, g) => a + g.targetPercent!, 0) / withTarget.length);
    const s = share(totals.confirmed, r.members);
    return {
      id: u.id, code: u.code, name: u.name, kind: u.kind, parentCode: u.parent_code, depth: u.depth,
      members: r.members, ...totals, share: s,
      targetPercent, meetsTarget: targetPercent === null || s === null ? null : s * 100 >= targetPercent,
      learningUnit: s === null ? null : s >= LEARNING_UNIT_SHARE,
      groups,
    };
  });
}

export interface WeekPoint {
  /** Monday of the week (local time zone), YYYY-MM-DD. */
  week: string;
  submitted: number;
  confirmed: number;
  cumulativeSubmitted: number;
  cumulativeConfirmed: number;
}

/** Submissions and confirmations per week of a year for the units at and below the roots. */
export async function weeklyProgress(db: Queryable, rootIds: string[] | null, year: number, timeZone: string): Promise<WeekPoint[]> {
  const ids = rootIds === null ? null : (await subtree(db, rootIds)).map((u) => u.id);
  const { rows } = await db.query<{ week: string; submitted: number; confirmed: number }>(
    `WITH a AS (
       SELECT submitted_at, decided_at, status FROM assessments
        WHERE year = $1 AND ($2::uuid[] IS NULL OR unit_id = ANY($2::uuid[])) AND submitted_at IS NOT NULL AND status <> 'withdrawn'),
     s AS (SELECT date_trunc('week', submitted_at AT TIME ZONE $3)::date AS week, count(*)::int AS n FROM a GROUP BY 1),
     c AS (SELECT date_trunc('week', decided_at AT TIME ZONE $3)::date AS week, count(*)::int AS n FROM a
            WHERE status = 'confirmed' AND decided_at IS NOT NULL GROUP BY 1)
     SELECT to_char(COALESCE(s.week, c.week), 'YYYY-MM-DD') AS week, COALESCE(s.n, 0) AS submitted, COALESCE(c.n, 0) AS confirmed
       FROM s FULL JOIN c ON c.week = s.week ORDER BY 1`,
    [year, ids, timeZone],
  );
  let cs = 0;
  let cc = 0;
  return rows.map((r) => ({ ...r, cumulativeSubmitted: (cs += r.submitted), cumulativeConfirmed: (cc += r.confirmed) }));
}
