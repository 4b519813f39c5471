// One assessment as an officer sees it (notice, "Xem chi tiết"): only for officers who may decide it,
// whatever its status now, so that one who opens a withdrawn or decided assessment is told so.
import type pg from "pg";
import type { ReviewSettings } from "../config.ts";
import { daysBefore, isLeadOver, mayDecide } from "./scope.ts";
import { accountIdOfChatSql } from "../accounts/sql.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface DecisionHistoryEntry {
  decision: string;
  statusBefore: string;
  revision: boolean;
  byName: string | null;
  channel: string | null;
  reasonCode: string | null;
  reason: string | null;
  questions: string[];
  at: Date;
}

export interface ReviewDetails {
  assessmentId: string;
  status: string;
  own: boolean;
  fullName: string | null;
  birthYear: number | null;
  targetGroup: string;
  unit: { id: string; code: string; name: string } | null;
  setId: string;
  setVersion: string;
  year: number;
  total: number | null;
  verdict: string | null;
  score: unknown;
  answers: Record<string, unknown>;
  evidence: Record<string, { kind: string; ref: string; name?: string }[]>;
  evidenceCount: number;
  submittedAt: Date | null;
  history: DecisionHistoryEntry[];
  /** The reader is a lead of the assessment's unit or of its parent (may revise a decision). */
  lead: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function reviewDetails(
  db: Queryable,
  input: { assessmentId: string; personId: string; now: Date },
  settings: Pick<ReviewSettings, "parentDays">,
): Promise<{ ok: true; value: ReviewDetails } | { ok: false; code: "not_found" | "not_allowed"; message: string }> {
  if (!UUID.test(input.assessmentId) || !UUID.test(input.personId)) return { ok: false, code: "not_found", message: "no such assessment" };
  const { rows } = await db.query(
    `SELECT a.id, a.status, a.person_id, p.full_name, p.birth_year, a.target_group, a.set_id, a.set_version, a.year, a.total,
            a.verdict, a.score, a.answers, a.evidence, a.submitted_at, u.id AS unit_id, u.code, u.name,
            ${mayDecide("$2::uuid", "$3")} AS allowed, ${isLeadOver("$2::uuid")} AS lead,
            COALESCE((SELECT json_agg(json_build_object('decision', d.decision, 'statusBefore', d.status_before, 'revision', d.revision,
                         'byName', dp.full_name, 'channel', d.channel, 'reasonCode', d.reason_code, 'reason', d.reason,
                         'questions', d.details->'questions', 'at', d.decided_at) ORDER BY d.id)
                        FROM assessment_decisions d LEFT JOIN people dp ON dp.id = d.decided_by_person_id
                       WHERE d.assessment_id = a.id), '[]') AS history
       FROM assessments a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id
      WHERE a.id = $1`,
    [input.assessmentId, input.personId, daysBefore(input.now, settings.parentDays)],
  );
  const r = rows[0];
  if (!r) return { ok: false, code: "not_found", message: "no such assessment" };
  if (!r.allowed) return { ok: false, code: "not_allowed", message: "only the unit's officers (or leads above it) may see this assessment" };
  const evidence = (r.evidence ?? {}) as ReviewDetails["evidence"];
  return {
    ok: true,
    value: {
      assessmentId: r.id,
      status: r.person_id === null ? "withdrawn" : r.status,
      own: r.person_id === input.personId,
      fullName: r.full_name,
      birthYear: r.birth_year,
      targetGroup: r.target_group,
      unit: r.unit_id ? { id: r.unit_id, code: r.code, name: r.name } : null,
      setId: r.set_id,
      setVersion: r.set_version,
      year: r.year,
      total: r.total,
      verdict: r.verdict,
      score: r.score,
      answers: r.answers ?? {},
      evidence,
      evidenceCount: Object.values(evidence).reduce((n, list) => n + (Array.isArray(list) ? list.length : 0), 0),
      submittedAt: r.submitted_at,
      lead: r.lead === true,
      history: (r.history as (Omit<DecisionHistoryEntry, "at" | "questions"> & { at: string; questions: string[] | null })[]).map((h) => ({
        ...h,
        questions: h.questions ?? [],
        at: new Date(h.at),
      })),
    },
  };
}

/** The person's assessment being written or edited (the one a submission will send), if any. */
export async function openAssessmentId(db: Queryable, personId: string): Promise<string | undefined> {
  if (!UUID.test(personId)) return undefined;
  const { rows } = await db.query(
    `SELECT id FROM assessments WHERE person_id = $1 AND status IN ('in_progress', 'needs_more') ORDER BY started_at DESC LIMIT 1`,
    [personId],
  );
  return rows[0]?.id;
}

/** A person's latest assessment and its latest decision (/status after submitting). */
export async function latestOwn(
  db: Queryable,
  personId: string,
): Promise<{ assessmentId: string; status: string; reason: string | null; reasonCode: string | null; questions: string[] } | null> {
  if (!UUID.test(personId)) return null;
  const { rows } = await db.query(
    `SELECT a.id, a.status, d.reason, d.reason_code, d.details->'questions' AS questions
       FROM assessments a
       LEFT JOIN LATERAL (SELECT reason, reason_code, details FROM assessment_decisions WHERE assessment_id = a.id ORDER BY id DESC LIMIT 1) d ON true
      WHERE a.person_id = $1 ORDER BY a.started_at DESC LIMIT 1`,
    [personId],
  );
  const r = rows[0];
  if (!r) return null;
  return { assessmentId: r.id, status: r.status, reason: r.reason, reasonCode: r.reason_code, questions: Array.isArray(r.questions) ? r.questions : [] };
}

/**
 * The person's submitted assessment and the officers' notices of it (outbox rows about it, lane notice),
 * one per officer account, the newest: what a withdrawal edits in place.
 */
export async function submittedNotices(
  db: Queryable,
  personId: string,
): Promise<{ assessmentId: string; notices: { accountId: string; messageId: string | null }[] } | null> {
  if (!UUID.test(personId)) return null;
  const { rows } = await db.query(
    `WITH a AS (SELECT id FROM assessments WHERE person_id = $1 AND status = 'submitted' ORDER BY started_at DESC LIMIT 1)
     SELECT a.id AS assessment_id, n.account_id, n.platform_message_id
       FROM a LEFT JOIN LATERAL (
         -- The web chat shows a message under its outbox row id; the platforms under their own id.
         SELECT DISTINCT ON (o.channel, o.recipient) ${accountIdOfChatSql("o.channel", "o.recipient")} AS account_id,
                CASE WHEN o.channel = 'web' THEN o.id::text ELSE o.platform_message_id END AS platform_message_id
           FROM outbox o
          WHERE o.subject_id = a.id AND o.lane = 'notice' AND ${accountIdOfChatSql("o.channel", "o.recipient")} IS NOT NULL
          ORDER BY o.channel, o.recipient, o.id DESC) n ON true`,
    [personId],
  );
  if (rows.length === 0) return null;
  return {
    assessmentId: rows[0].assessment_id,
    notices: rows.filter((r) => r.account_id !== null).map((r) => ({ accountId: r.account_id, messageId: r.platform_message_id ?? null })),
  };
}

/** A person's own assessment by id: its status (null when it is not theirs). */
export async function ownAssessment(
  db: Queryable,
  personId: string,
  assessmentId: string,
): Promise<{ assessmentId: string; status: string; questions: string[] } | null> {
  if (!UUID.test(personId) || !UUID.test(assessmentId)) return null;
  const { rows } = await db.query(
    `SELECT a.id, a.status,
            (SELECT d.details->'questions' FROM assessment_decisions d WHERE d.assessment_id = a.id ORDER BY d.id DESC LIMIT 1) AS questions
       FROM assessments a WHERE a.id = $1 AND a.person_id = $2`,
    [assessmentId, personId],
  );
  const r = rows[0];
  return r ? { assessmentId: r.id, status: r.status, questions: Array.isArray(r.questions) ? r.questions : [] } : null;
}
