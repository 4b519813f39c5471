// The review queue: submitted assessments an officer may decide, oldest first, by keyset pages.
import type pg from "pg";
import type { ReviewSettings } from "../config.ts";
import { daysBefore, scopeCte } from "./scope.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface QueueItem {
  assessmentId: string;
  submittedAt: Date;
  fullName: string | null;
  birthYear: number | null;
  targetGroup: string;
  unit: { id: string; code: string; name: string };
  total: number | null;
  verdict: string | null;
}

/** Where the next page starts: after this submission. */
export interface QueueCursor {
  submittedAt: Date;
  assessmentId: string;
}

export interface QueuePage {
  items: QueueItem[];
  /** Present when more submissions follow. */
  next?: QueueCursor;
}

export interface QueueCounts {
  pending: number;
  /** Pending longer than REVIEW_REMIND_DAYS. */
  overdue: number;
  oldest: Date | null;
}


export async function queuePage(
  db: Queryable,
  input: { personId: string; now: Date; after?: QueueCursor; limit?: number },
  settings: Pick<ReviewSettings, "parentDays" | "queuePage">,
): Promise<QueuePage> {
  const limit = input.limit ?? settings.queuePage;
  const { rows } = await db.query(
    `WITH ${scopeCte("$1::uuid", "$2")},
     page AS MATERIALIZED (
       SELECT q.* FROM scope s
        CROSS JOIN LATERAL (
          SELECT a.id, a.submitted_at, a.total, a.verdict, a.target_group, a.person_id, a.unit_id FROM assessments a
           WHERE a.unit_id = s.unit_id AND a.status = 'submitted' AND a.submitted_at < s.until
             AND (a.submitted_at, a.id) > ($3::timestamptz, $4::uuid)
             AND a.person_id IS NOT NULL AND a.person_id <> $1::uuid
           ORDER BY a.submitted_at, a.id LIMIT $5) q
        ORDER BY q.submitted_at, q.id LIMIT $5)
     SELECT q.id, q.submitted_at, q.total, q.verdict, q.target_group, p.full_name, p.birth_year, u.id AS unit_id, u.code, u.name
       FROM page q JOIN units u ON u.id = q.unit_id JOIN people p ON p.id = q.person_id
      ORDER BY q.submitted_at, q.id`,
    [input.personId, daysBefore(input.now, settings.parentDays), input.after?.submittedAt ?? "-infinity", input.after?.assessmentId ?? "00000000-0000-0000-0000-000000000000", limit + 1],
  );
  const items: QueueItem[] = rows.slice(0, limit).map((r) => ({
    assessmentId: r.id,
    submittedAt: r.submitted_at,
    fullName: r.full_name,
    birthYear: r.birth_year,
    targetGroup: r.target_group,
    unit: { id: r.unit_id, code: r.code, name: r.name },
    total: r.total,
    verdict: r.verdict,
  }));
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, next: { submittedAt: last.submittedAt, assessmentId: last.assessmentId } } : { items };
}

export async function queueCounts(
  db: Queryable,
  input: { personId: string; now: Date },
  settings: Pick<ReviewSettings, "parentDays" | "remindDays">,
): Promise<QueueCounts> {
  const { rows } = await db.query(
    `WITH ${scopeCte("$1::uuid", "$2")}
     SELECT count(*)::int AS pending, count(*) FILTER (WHERE a.submitted_at < $3)::int AS overdue, min(a.submitted_at) AS oldest
       FROM scope s JOIN assessments a ON a.unit_id = s.unit_id AND a.status = 'submitted' AND a.submitted_at < s.until
      WHERE a.person_id IS NOT NULL AND a.person_id <> $1::uuid`,
    [input.personId, daysBefore(input.now, settings.parentDays), daysBefore(input.now, settings.remindDays)],
  );
  return { pending: rows[0].pending, overdue: rows[0].overdue, oldest: rows[0].oldest };
}
