// Decisions on submitted assessments: the first decision wins (a conditional UPDATE … WHERE status =
// 'submitted'), the loser is told who decided and when; a lead may revise a decision for a while. Each
// decision is a row of assessment_decisions and an audit_log entry, written in the caller's transaction.
import type pg from "pg";
import type { ChannelName } from "../../bot/types.ts";
import type { ReviewSettings } from "../config.ts";
import { daysBefore, isLeadOver, mayDecide } from "./scope.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export type Decision = "confirmed" | "rejected" | "needs_more";
export const DECISIONS: readonly Decision[] = ["confirmed", "rejected", "needs_more"];

export interface DecideInput {
  assessmentId: string;
  /** The deciding officer's person. */
  personId: string;
  decision: Decision;
  channel: ChannelName;
  /** One of the common reasons offered as buttons (rejected, needs_more). */
  reasonCode?: string;
  /** Free text: why rejected, or what the citizen should add or correct. */
  reason?: string;
  /** needs_more: the questions whose answers the citizen is asked to change. */
  questions?: string[];
  now: Date;
}

export interface Decided {
  assessmentId: string;
  decisionId: string;
  decision: Decision;
  statusBefore: string;
  decidedAt: Date;
  /** The citizen to tell (null when erased meanwhile), their name and the assessment's year. */
  citizenPersonId: string | null;
  fullName: string | null;
  birthYear: number | null;
  targetGroup: string;
  year: number;
  unitId: string | null;
  setId: string;
  setVersion: string;
}

export interface EarlierDecision {
  status: string;
  at: Date | null;
  byPersonId: string | null;
  byName: string | null;
}

export type DecideRefusal =
  | { ok: false; code: "invalid" | "not_found" | "not_allowed" | "own" | "withdrawn" | "not_submitted" | "reason_required"; message: string }
  | { ok: false; code: "already_decided"; message: string; earlier: EarlierDecision };

export type DecideResult = { ok: true; value: Decided } | DecideRefusal;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REASON = 1000;

function validate(input: DecideInput): DecideRefusal | undefined {
  if (!UUID.test(input.assessmentId) || !UUID.test(input.personId)) return { ok: false, code: "not_found", message: "no such assessment" };
  if (!DECISIONS.includes(input.decision)) return { ok: false, code: "invalid", message: `decision must be one of ${DECISIONS.join(", ")}` };
  if ((input.reason?.length ?? 0) > MAX_REASON) return { ok: false, code: "invalid", message: `reason: at most ${MAX_REASON} characters` };
  if (input.reasonCode !== undefined && !/^[a-z_]{1,32}$/.test(input.reasonCode)) return { ok: false, code: "invalid", message: "reason code: a-z and _ only" };
  const questions = input.questions ?? [];
  if (questions.length > 50 || questions.some((q) => !/^[A-Za-z0-9_.-]{1,64}$/.test(q))) return { ok: false, code: "invalid", message: "questions: at most 50 question ids" };
  const reasoned = Boolean(input.reason?.trim()) || input.reasonCode !== undefined;
  if (input.decision === "rejected" && !reasoned) return { ok: false, code: "reason_required", message: "a rejection needs a reason" };
  if (input.decision === "needs_more" && !reasoned && questions.length === 0) return { ok: false, code: "reason_required", message: "say what the citizen should add or correct" };
  return undefined;
}

interface Looked {
  status: string;
  person_id: string | null;
  unit_id: string | null;
  decided_at: Date | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  allowed: boolean;
  lead: boolean;
  other_open: boolean;
}

async function lookUp(db: Queryable, assessmentId: string, personId: string, cutoff: Date): Promise<Looked | undefined> {
  const { rows } = await db.query<Looked>(
    `SELECT a.status, a.person_id, a.unit_id, a.decided_at, a.decided_by_id, dp.full_name AS decided_by_name,
            ${mayDecide("$2::uuid", "$3")} AS allowed, ${isLeadOver("$2::uuid")} AS lead,
            EXISTS (SELECT 1 FROM assessments b WHERE b.person_id = a.person_id AND b.year = a.year AND b.id <> a.id
                       AND b.status NOT IN ('withdrawn', 'rejected')) AS other_open
       FROM assessments a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people dp ON dp.id = a.decided_by_id
      WHERE a.id = $1`,
    [assessmentId, personId, cutoff],
  );
  return rows[0];
}

const earlierOf = (l: Looked): EarlierDecision => ({ status: l.status, at: l.decided_at, byPersonId: l.decided_by_id, byName: l.decided_by_name });

function refuseByStatus(l: Looked): DecideRefusal {
  if (l.status === "withdrawn") return { ok: false, code: "withdrawn", message: "the citizen withdrew this assessment" };
  if (l.status === "in_progress") return { ok: false, code: "not_submitted", message: "the assessment is not submitted (being edited)" };
  return { ok: false, code: "already_decided", message: `decided already (${l.status})`, earlier: earlierOf(l) };
}

/**
 * Records a decision and its audit entry with the assessment's change: one statement. With `cutoff`
 * the statement also checks that the officer may decide it and that it is not their own (the common
 * path needs no look-up first; when nothing is written, the caller looks up why).
 */
function write(
  db: Queryable,
  input: DecideInput,
  guard: { statusBefore: string; revision: boolean; decidedAt?: Date | null; cutoff?: Date },
) {
  const allowed = guard.cutoff
    ? `AND id = (SELECT a.id FROM assessments a LEFT JOIN units u ON u.id = a.unit_id
                  WHERE a.id = $1 AND a.person_id IS NOT NULL AND a.person_id <> $4 AND ${mayDecide("$4", "$13")})`
    : "";
  return db.query(
    `WITH d AS (
       UPDATE assessments SET status = $2::text::assessment_status, decided_at = $3, decided_by_id = $4, reason = $5, updated_at = $3
        WHERE id = $1 AND status = $9::text::assessment_status AND ($10::timestamptz IS NULL OR decided_at = $10) ${allowed}
        RETURNING id, person_id, unit_id, year, target_group, set_id, set_version),
     h AS (
       INSERT INTO assessment_decisions (assessment_id, decision, status_before, revision, decided_by_person_id, channel, reason_code, reason, details, decided_at)
       SELECT d.id, $2::text::decision_kind, $9::text::assessment_status, $11, $4, $6::channel, $7, $5, $8::jsonb, $3 FROM d RETURNING id),
     l AS (
       INSERT INTO audit_log (at, actor_kind, actor_id, action, assessment_id, details)
       SELECT $3, 'officer', $4, $12, d.id, jsonb_build_object('channel', $6::text, 'status_before', $9::text, 'status_after', $2::text,
                                                             'reason_code', $7::text, 'reason_given', $5::text IS NOT NULL, 'decision_id', h.id)
         FROM d, h)
     SELECT d.person_id, d.unit_id, d.year, h.id AS decision_id, d.target_group, d.set_id, d.set_version,
            (SELECT full_name FROM people WHERE id = d.person_id) AS full_name, (SELECT birth_year FROM people WHERE id = d.person_id) AS birth_year
       FROM d, h`,
    [
      input.assessmentId, input.decision, input.now, input.personId, input.reason?.trim() || null, input.channel,
      input.reasonCode ?? null, JSON.stringify({ questions: input.questions ?? [] }), guard.statusBefore,
      guard.decidedAt ?? null, guard.revision, guard.revision ? "assessment.revise" : "assessment.decide",
      ...(guard.cutoff ? [guard.cutoff] : []),
    ],
  );
}

/** The first decision on a submitted assessment, by an officer who may decide it. */
export async function decide(db: Queryable, input: DecideInput, settings: Pick<ReviewSettings, "parentDays">): Promise<DecideResult> {
  const invalid = validate(input);
  if (invalid) return invalid;
  const cutoff = daysBefore(input.now, settings.parentDays);
  // One statement on the common path: it writes only when the officer may decide a submitted assessment.
  const { rows } = await write(db, input, { statusBefore: "submitted", revision: false, cutoff });
  const r = rows[0];
  if (!r) {
    // Nothing written: say why (not allowed, own, erased, decided by someone else, withdrawn …).
    const looked = await lookUp(db, input.assessmentId, input.personId, cutoff);
    if (!looked) return { ok: false, code: "not_found", message: "no such assessment" };
    if (!looked.allowed) return { ok: false, code: "not_allowed", message: "only the unit's officers (or leads above it) may decide this assessment" };
    if (looked.person_id === input.personId) return { ok: false, code: "own", message: "nobody decides their own assessment" };
    if (looked.person_id === null) return { ok: false, code: "withdrawn", message: "the citizen erased their data" };
    if (looked.status !== "submitted") return refuseByStatus(looked);
    return { ok: false, code: "not_allowed", message: "the assessment could not be decided; open it again" };
  }
  return {
    ok: true,
    value: {
      assessmentId: input.assessmentId, decisionId: String(r.decision_id), decision: input.decision, statusBefore: "submitted",
      decidedAt: input.now, citizenPersonId: r.person_id, fullName: r.full_name, birthYear: r.birth_year, targetGroup: r.target_group, year: r.year, unitId: r.unit_id, setId: r.set_id, setVersion: r.set_version,
    },
  };
}

export type ReviseResult =
  | { ok: true; value: Decided }
  | DecideRefusal
  | { ok: false; code: "not_lead" | "too_late" | "unchanged" | "conflict"; message: string };

/** A lead of the unit (or of its parent) changes a decision within REVIEW_REVISE_DAYS of it. */
export async function revise(db: Queryable, input: DecideInput, settings: Pick<ReviewSettings, "parentDays" | "reviseDays">): Promise<ReviseResult> {
  const invalid = validate(input);
  if (invalid) return invalid;
  const looked = await lookUp(db, input.assessmentId, input.personId, daysBefore(input.now, settings.parentDays));
  if (!looked) return { ok: false, code: "not_found", message: "no such assessment" };
  if (!looked.lead) return { ok: false, code: "not_lead", message: "only a lead of the unit or of its parent unit may revise a decision" };
  if (looked.person_id === input.personId) return { ok: false, code: "own", message: "nobody decides their own assessment" };
  if (looked.person_id === null) return { ok: false, code: "withdrawn", message: "the citizen erased their data" };
  if (looked.status === "submitted") return { ok: false, code: "not_submitted", message: "not decided yet: decide it instead" };
  if (!DECISIONS.includes(looked.status as Decision) || !looked.decided_at) return refuseByStatus(looked);
  if (looked.status === input.decision) return { ok: false, code: "unchanged", message: `the decision is ${looked.status} already` };
  if (looked.decided_at < daysBefore(input.now, settings.reviseDays)) {
    return { ok: false, code: "too_late", message: `decisions can be revised within ${settings.reviseDays} days` };
  }
  if (looked.status === "rejected" && looked.other_open) {
    return { ok: false, code: "conflict", message: "the citizen has started another assessment this year since the rejection" };
  }
  const { rows } = await write(db, input, { statusBefore: looked.status, revision: true, decidedAt: looked.decided_at });
  const r = rows[0];
  if (!r) return { ok: false, code: "conflict", message: "the assessment changed meanwhile; open it again" };
  return {
    ok: true,
    value: {
      assessmentId: input.assessmentId, decisionId: String(r.decision_id), decision: input.decision, statusBefore: looked.status,
      decidedAt: input.now, citizenPersonId: r.person_id, fullName: r.full_name, birthYear: r.birth_year, targetGroup: r.target_group, year: r.year, unitId: r.unit_id, setId: r.set_id, setVersion: r.set_version,
    },
  };
}
