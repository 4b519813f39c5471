// Assessments as the admin API lists them: filters (unit subtree, year, status, verdict, target group)
// and keyset pagination, newest first; and one assessment in full for the administrator. Read-only SQL
// (officers' detail goes through the review rules in server/review/details.ts).
import type pg from "pg";
import type { TargetGroup } from "../units/store.ts";

export const ASSESSMENT_STATUSES = ["in_progress", "submitted", "confirmed", "rejected", "needs_more", "withdrawn"] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export interface AssessmentListItem {
  id: string;
  unitCode: string | null;
  unitName: string | null;
  fullName: string | null;
  targetGroup: TargetGroup;
  year: number;
  status: AssessmentStatus;
  verdict: string | null;
  total: number | null;
  startedAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
}

export interface AssessmentFilter {
  /** Units to search (a subtree); null: every unit. */
  unitIds: string[] | null;
  year?: number;
  status?: string;
  verdict?: string;
  targetGroup?: string;
  /** Keyset: the last item of the previous page. */
  after?: { startedAt: Date; id: string };
  limit: number;
}

export async function listAssessments(db: Queryable, f: AssessmentFilter): Promise<AssessmentListItem[]> {
  const { rows } = await db.query<AssessmentListItem>(
    `SELECT a.id, u.code AS "unitCode", u.name AS "unitName", p.full_name AS "fullName", a.target_group::text AS "targetGroup",
            a.year, a.status::text AS status, a.verdict, a.total, a.started_at AS "startedAt", a.submitted_at AS "submittedAt",
            a.decided_at AS "decidedAt"
       FROM assessments a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id
      WHERE ($1::uuid[] IS NULL OR a.unit_id = ANY($1::uuid[]))
        AND ($2::int IS NULL OR a.year = $2) AND ($3::text IS NULL OR a.status::text = $3)
        AND ($4::text IS NULL OR a.verdict = $4) AND ($5::text IS NULL OR a.target_group::text = $5)
        AND ($6::timestamptz IS NULL OR (a.started_at, a.id) < ($6::timestamptz, $7::uuid))
      ORDER BY a.started_at DESC, a.id DESC
      LIMIT $8`,
    [f.unitIds, f.year ?? null, f.status ?? null, f.verdict ?? null, f.targetGroup ?? null, f.after?.startedAt ?? null, f.after?.id ?? null, f.limit],
  );
  return rows;
}

export function encodeCursor(item: { startedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([item.startedAt.toISOString(), item.id])).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): { startedAt: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const startedAt = new Date(at);
    if (Number.isNaN(startedAt.getTime()) || typeof id !== "string" || !UUID.test(id)) return undefined;
    return { startedAt, id };
  } catch {
    return undefined;
  }
}

export interface AssessmentDetail extends AssessmentListItem {
  unitId: string | null;
  birthYear: number | null;
  setId: string;
  setVersion: string;
  answers: Record<string, unknown>;
  evidence: Record<string, unknown>;
  score: unknown;
  reason: string | null;
}

export async function assessmentDetail(db: Queryable, id: string): Promise<AssessmentDetail | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await db.query<AssessmentDetail>(
    `SELECT a.id, a.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", p.full_name AS "fullName", p.birth_year AS "birthYear",
            a.target_group::text AS "targetGroup", a.year, a.status::text AS status, a.verdict, a.total, a.started_at AS "startedAt",
            a.submitted_at AS "submittedAt", a.decided_at AS "decidedAt", a.set_id AS "setId", a.set_version AS "setVersion",
            a.answers, a.evidence, a.score, a.reason
       FROM assessments a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id
      WHERE a.id = $1`,
    [id],
  );
  return rows[0];
}
