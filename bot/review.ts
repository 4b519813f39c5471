// Officer review between the pure engine and the server. The engine says what a step needs from the
// database (ReviewNeed, from reviewNeed() in flows/officer-needs.ts); the server does it inside the
// event's transaction (server/review/hook.ts) and hands the outcome back as ctx.review (ReviewContext),
// from which the engine renders the officer's and the citizen's messages. Plain data only.
import type { Answers, ScoreResult, TargetGroup } from "../rules/index.ts";
import type { EvidenceRef } from "./types.ts";

export type Decision = "confirmed" | "rejected" | "needs_more";
export type NoticeMode = "immediate" | "digest";

/** Where a queue page starts: after this submission (ms since the epoch, assessment id). */
export interface QueueCursor {
  at: number;
  id: string;
}

export type ReviewNeed =
  /** An officer invitation (link token or typed code) to accept for the conversation's person. */
  | { kind: "accept"; secret: { token: string } | { code: string } }
  | { kind: "queue"; after?: QueueCursor }
  /** One assessment as the officer may see it (card, details, before asking for a reason). */
  | { kind: "open"; assessmentId: string }
  /** The oldest submission in the officer's queue ("Tiếp"). */
  | { kind: "next" }
  /** questions: for needs_more, the question ids the officer named. */
  | { kind: "decide"; assessmentId: string; decision: Decision; reasonCode?: string; reason?: string; questions?: string[] }
  /** A lead changes a decision (within REVIEW_REVISE_DAYS): to confirmed, or rejected / needs_more with a common reason. */
  | { kind: "revise"; assessmentId: string; decision: Decision; reasonCode?: string }
  /** A citizen in the review step may submit: the open assessment's id and who to notify. */
  | { kind: "submission" }
  /** A citizen's own assessment, for "edit what the officer asked for". */
  | { kind: "own"; assessmentId: string }
  /** /status after submitting: the person's latest assessment and its latest decision. */
  | { kind: "mine" }
  /** The citizen may be withdrawing a submitted assessment (the restart confirmation is open): its officers' notices. */
  | { kind: "withdrawing" }
  | { kind: "prefs"; mode: NoticeMode }
  /** /dashboard: a short-lived sign-in link to the dashboard, for an active officer. */
  | { kind: "dashboard" }
  /** /report: the chart of the officer's units against their target, and the figures. */
  | { kind: "report" };

/** An officer's units this year: the chart (PNG, base64) and the figures of one line. */
export interface ChatReport {
  png: string;
  units: string;
  year: number;
  members: number | null;
  submitted: number;
  confirmed: number;
  sharePercent: number | null;
  targetPercent: number | null;
}

/** A submission as an officer sees it. */
export interface ReviewCard {
  assessmentId: string;
  status: string;
  citizenPersonId: string | null;
  fullName: string | null;
  birthYear: number | null;
  targetGroup: TargetGroup;
  unitName: string;
  unitCode: string;
  setId: string;
  setVersion: string;
  year: number;
  total: number | null;
  verdict: string | null;
  score: ScoreResult | null;
  answers: Answers;
  evidence: Record<string, EvidenceRef[]>;
  evidenceCount: number;
  /** ISO time of submission. */
  submittedAt: string | null;
  /** The latest decision, if any. */
  decided?: { status: string; byName: string | null; at: string; reason: string | null; reasonCode: string | null };
  /**
   * How each evidence item (by ref) can be shown to this officer on their channel: a photo to send (a
   * Telegram file id to a Telegram officer – same bot –, a Zalo image URL), a link (a web upload's
   * short-lived signed link, an image URL), or neither (a Telegram photo to an officer elsewhere).
   */
  evidenceShow?: Record<string, { photo?: string; link?: string }>;
  /** The reader may revise the latest decision now (a lead over the unit, within REVIEW_REVISE_DAYS). */
  mayRevise?: boolean;
}

export interface QueueLine {
  assessmentId: string;
  fullName: string | null;
  birthYear: number | null;
  unitName: string;
  total: number | null;
  verdict: string | null;
  submittedAt: string;
}

export type Refusal =
  | "not_found" | "not_allowed" | "own" | "withdrawn" | "not_submitted" | "reason_required" | "invalid" | "already_decided"
  | "not_lead" | "too_late" | "unchanged" | "conflict";

export interface ReviewContext {
  /** The person's active officer roles, when the need concerned officer work. */
  roles?: { unitCode: string; unitName: string; role: "officer" | "lead" }[];
  accepted?: { ok: true; unitCode: string; unitName: string; role: "officer" | "lead" } | { ok: false; code: "not_found" | "used" | "expired" | "revoked" };
  queue?: { lines: QueueLine[]; next?: QueueCursor; pending: number; overdue: number; first: boolean };
  card?: { ok: true; card: ReviewCard } | { ok: false; code: "not_found" | "not_allowed" };
  /** "Tiếp": the next card, or none when the queue is empty. */
  next?: { card?: ReviewCard; pending: number };
  decided?:
    | {
        ok: true;
        assessmentId: string;
        decision: Decision;
        year: number;
        fullName: string | null;
        citizenPersonId: string | null;
        /** How the citizen is addressed in their notice (ông/bà, anh/chị, bạn). */
        citizenBirthYear: number | null;
        citizenGroup: TargetGroup;
        reason: string | null;
        reasonCode: string | null;
        /** A lead's revision: the decision it replaced. */
        revisedFrom?: string;
        /** needs_more: the questions named, and the set that numbers them. */
        questions: string[];
        setId: string;
        setVersion: string;
        pending: number;
      }
    | { ok: false; code: Refusal; earlier?: { status: string; byName: string | null; at: string | null } };
  /** For a citizen in the review step: the open assessment, and the officers to tell immediately. */
  submission?: { assessmentId: string; notify: string[] };
  /** questions: those the latest needs_more decision named (the citizen is taken to exactly these). */
  own?: { assessmentId: string; status: string; questions: string[] } | null;
  /** The notices of the submitted assessment, per officer account (messageId: null when not delivered yet). */
  withdrawing?: { assessmentId: string; notices: { accountId: string; messageId: string | null }[] };
  /** /status: the person's latest assessment as it stands now (null when none). */
  mine?: { assessmentId: string; status: string; reason: string | null; reasonCode: string | null; questions: string[] } | null;
  prefs?: { mode: NoticeMode };
  /** /dashboard: the sign-in link (made only for an active officer), or none. */
  dashboard?: { ok: true; url: string; minutes: number } | { ok: false };
  /** /report: the officer's units' chart and figures, or none (no active officer). */
  report?: ({ ok: true } & ChatReport) | { ok: false };
}
