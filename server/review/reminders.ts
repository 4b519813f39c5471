// Who hears of pending submissions, and when: the officers to notify of a new submission, the daily
// reminders and escalations (by how long submissions have waited), digests, and units nobody covers.
import type pg from "pg";
import type { ReviewSettings } from "../config.ts";
import { daysBefore, DAY_MS } from "./scope.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export type ReminderLevel = "remind" | "escalate" | "parent" | "orphan";
const RANK: Record<ReminderLevel, number> = { remind: 0, orphan: 1, escalate: 2, parent: 3 };

export interface ReminderItem {
  unit: { id: string; code: string; name: string };
  /**
   * remind: the unit's own officers, submissions older than REVIEW_REMIND_DAYS; escalate: the unit's
   * leads (or the parent unit's officers when it has none), older than REVIEW_ESCALATE_DAYS; parent: the
   * parent unit's officers, older than REVIEW_PARENT_DAYS; orphan: the parent unit's officers of a unit
   * without an active officer, older than REVIEW_REMIND_DAYS.
   */
  level: ReminderLevel;
  count: number;
  oldest: Date;
}

export interface ReminderTarget {
  personId: string;
  items: ReminderItem[];
}

/** Everyone who should get a reminder now, with one item per unit (the highest level for that person). */
export async function reminderTargets(db: Queryable, now: Date, settings: Pick<ReviewSettings, "remindDays" | "escalateDays" | "parentDays">): Promise<ReminderTarget[]> {
  const { rows } = await db.query(
    `WITH pending AS (
       SELECT a.unit_id, count(*)::int AS remind,
              count(*) FILTER (WHERE a.submitted_at < $2)::int AS escalate,
              count(*) FILTER (WHERE a.submitted_at < $3)::int AS parent,
              min(a.submitted_at) AS oldest
         FROM assessments a
        WHERE a.status = 'submitted' AND a.submitted_at < $1 AND a.person_id IS NOT NULL AND a.unit_id IS NOT NULL
        GROUP BY a.unit_id),
     pu AS (
       SELECT p.*, u.code, u.name, u.parent_id,
              EXISTS (SELECT 1 FROM officers o WHERE o.unit_id = p.unit_id AND o.active) AS has_officer,
              EXISTS (SELECT 1 FROM officers o WHERE o.unit_id = p.unit_id AND o.active AND o.role = 'lead') AS has_lead
         FROM pending p JOIN units u ON u.id = p.unit_id)
     SELECT o.person_id, pu.unit_id, pu.code, pu.name, 'remind' AS level, pu.remind AS count, pu.oldest
       FROM pu JOIN officers o ON o.unit_id = pu.unit_id AND o.active
     UNION ALL
     SELECT o.person_id, pu.unit_id, pu.code, pu.name, 'escalate', pu.escalate, pu.oldest
       FROM pu JOIN officers o ON o.active AND ((pu.has_lead AND o.unit_id = pu.unit_id AND o.role = 'lead')
                                             OR (NOT pu.has_lead AND pu.has_officer AND o.unit_id = pu.parent_id))
      WHERE pu.escalate > 0
     UNION ALL
     SELECT o.person_id, pu.unit_id, pu.code, pu.name, 'parent', pu.parent, pu.oldest
       FROM pu JOIN officers o ON o.unit_id = pu.parent_id AND o.active
      WHERE pu.parent > 0 AND pu.has_officer
     UNION ALL
     SELECT o.person_id, pu.unit_id, pu.code, pu.name, 'orphan', pu.remind, pu.oldest
       FROM pu JOIN officers o ON o.unit_id = pu.parent_id AND o.active
      WHERE NOT pu.has_officer`,
    [daysBefore(now, settings.remindDays), daysBefore(now, settings.escalateDays), daysBefore(now, settings.parentDays)],
  );
  const byPerson = new Map<string, Map<string, ReminderItem>>();
  for (const r of rows) {
    const items = byPerson.get(r.person_id) ?? new Map<string, ReminderItem>();
    byPerson.set(r.person_id, items);
    const item: ReminderItem = { unit: { id: r.unit_id, code: r.code, name: r.name }, level: r.level, count: r.count, oldest: r.oldest };
    const had = items.get(r.unit_id);
    if (!had || RANK[item.level] > RANK[had.level]) items.set(r.unit_id, item);
  }
  return [...byPerson]
    .map(([personId, items]) => ({ personId, items: [...items.values()].sort((a, b) => a.oldest.getTime() - b.oldest.getTime()) }))
    .sort((a, b) => (a.personId < b.personId ? -1 : 1));
}

export interface UncoveredUnit {
  unit: { id: string; code: string; name: string };
  pending: number;
  /** The parent unit has an active officer, who receives this unit's submissions. */
  coveredByParent: boolean;
  parentCode: string | null;
}

/** Units without an active officer (for admins), those with pending submissions first. */
export async function unitsWithoutOfficers(db: Queryable): Promise<UncoveredUnit[]> {
  const { rows } = await db.query(
    `SELECT u.id, u.code, u.name, pu.code AS parent_code,
            (SELECT count(*)::int FROM assessments a WHERE a.unit_id = u.id AND a.status = 'submitted' AND a.person_id IS NOT NULL) AS pending,
            EXISTS (SELECT 1 FROM officers o WHERE o.unit_id = u.parent_id AND o.active) AS covered
       FROM units u LEFT JOIN units pu ON pu.id = u.parent_id
      WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.unit_id = u.id AND o.active)
      ORDER BY pending DESC, u.code`,
  );
  return rows.map((r) => ({ unit: { id: r.id, code: r.code, name: r.name }, pending: r.pending, coveredByParent: r.covered, parentCode: r.parent_code }));
}

export interface NoticeRecipient {
  personId: string;
  /** immediate: one notice per submission now; digest: counted in the daily digest instead. */
  mode: "immediate" | "digest";
}

/**
 * The officers to tell of a submission: the active officers of its unit, or the parent unit's when it
 * has none (never the submitter). Each in the mode they chose; without a choice, immediate until the
 * unit got more than REVIEW_DIGEST_ABOVE submissions in the last 24 hours.
 */
export async function noticeRecipients(db: Queryable, assessmentId: string, now: Date, settings: Pick<ReviewSettings, "digestAbove">): Promise<NoticeRecipient[]> {
  const { rows } = await db.query(
    `WITH a AS (SELECT a.unit_id, a.person_id, u.parent_id FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.id = $1),
     own AS (SELECT o.person_id FROM officers o, a WHERE o.unit_id = a.unit_id AND o.active AND o.person_id IS DISTINCT FROM a.person_id),
     who AS (
       SELECT person_id FROM own
       UNION
       SELECT o.person_id FROM officers o, a
        WHERE NOT EXISTS (SELECT 1 FROM own) AND o.unit_id = a.parent_id AND o.active AND o.person_id IS DISTINCT FROM a.person_id),
     volume AS (
       SELECT count(*)::int AS n FROM assessments x, a
        WHERE x.unit_id = a.unit_id AND x.status = 'submitted' AND x.submitted_at > $2)
     SELECT who.person_id, pr.notice_mode, volume.n FROM who CROSS JOIN volume LEFT JOIN officer_preferences pr ON pr.person_id = who.person_id
      ORDER BY who.person_id`,
    [assessmentId, new Date(now.getTime() - DAY_MS)],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    mode: r.notice_mode ?? (r.n > settings.digestAbove ? "digest" : "immediate"),
  }));
}

/**
 * Officers whose daily digest is due at this hour: those who chose the digest at this hour, and those who
 * chose nothing whose units got more than REVIEW_DIGEST_ABOVE submissions in the last 24 hours.
 */
export async function digestRecipients(db: Queryable, input: { now: Date; hour: number }, settings: Pick<ReviewSettings, "digestAbove" | "digestHour">): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT o.person_id FROM officers o LEFT JOIN officer_preferences pr ON pr.person_id = o.person_id
      WHERE o.active AND COALESCE(pr.digest_hour, $3) = $1 AND (
        pr.notice_mode = 'digest'
        OR (pr.notice_mode IS NULL AND (SELECT count(*) FROM assessments x JOIN officers m ON m.unit_id = x.unit_id
                                         WHERE m.person_id = o.person_id AND m.active AND x.status = 'submitted' AND x.submitted_at > $2) > $4))
      ORDER BY o.person_id`,
    [input.hour, new Date(input.now.getTime() - DAY_MS), settings.digestHour, settings.digestAbove],
  );
  return rows.map((r) => r.person_id);
}
