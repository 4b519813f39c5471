// The conversation state: plain JSON, stored by the server per channel account (JSONB) and enough on its
// own to continue a conversation on any later day. Bump STATE_VERSION on any incompatible change:
// parseState() turns an unknown or older version into null, and the citizen starts over gracefully.
import { z } from "zod";
import type { Lang } from "../types.ts";
import type { AnswerValue, TargetGroup, Verdict } from "../../rules/index.ts";

export const STATE_VERSION = 1;

export const TARGET_GROUPS: readonly TargetGroup[] = ["worker", "public_servant", "student", "resident"];

/** Where the citizen is. Each kind has one handler in flows/ (prompt, text, buttons …). */
export type Step =
  /** Nothing shown yet (first contact, or after /delete). */
  | { kind: "new" }
  | { kind: "consent" }
  /** Consent refused: nothing personal is kept; /start asks again. */
  | { kind: "declined" }
  | { kind: "group" }
  | { kind: "unit" }
  /** A mistyped unit code; the directory suggested this unit. */
  | { kind: "unit_suggest"; code: string; name: string }
  /** A unit typed by name that several units match: the citizen picks one. */
  | { kind: "unit_pick"; units: { code: string; name: string }[] }
  | { kind: "name" }
  | { kind: "birth_year" }
  /** Under 16: a parent or guardian must agree (Luật Bảo vệ dữ liệu cá nhân 2025). */
  | { kind: "guardian" }
  /** edit: reached from the review, returns there. draft: multi-choice selection not yet confirmed. */
  | { kind: "question"; qid: string; edit: boolean; draft?: string[] }
  /** waiting: the citizen said they will send a photo. */
  | { kind: "evidence"; qid: string; edit: boolean; waiting: boolean }
  | { kind: "review"; page: number }
  | { kind: "submitted" }
  /** The set version the assessment started with is no longer available. */
  | { kind: "set_gone" };

export type StepKind = Step["kind"];

/** A confirmation or choice shown on top of the current step. */
export type Dialog = "lang" | "restart" | "delete";

export interface StoredEvidence {
  kind: "image" | "file";
  ref: string;
  name?: string;
}

export interface AssessmentState {
  setId: string;
  setVersion: string;
  year: number;
  /** Every answer given, including those of questions hidden later (pruned at submit). */
  answers: Record<string, AnswerValue>;
  evidence: Record<string, StoredEvidence[]>;
  submitted?: { verdict: Verdict; total: number; max: number };
  /** After "Sửa bài": the questions an officer named that are still to be shown, in order. */
  revisit?: string[];
}

export interface ProfileState {
  targetGroup?: TargetGroup;
  unitId?: string;
  unitCode?: string;
  unitName?: string;
  fullName?: string;
  birthYear?: number;
  phone?: string;
  /** Under 16: a parent or guardian agreed, as the citizen confirmed. */
  guardianConsent?: boolean;
}

/**
 * The part of the state that belongs to an officer's work (a review in progress), next to the citizen's
 * own assessment; its contents are owned by officer review (bot/engine/flows of issue 12).
 */
export type OfficerState = Record<string, unknown>;

/** The last button applied: the same data again within DOUBLE_TAP_MS is a double tap and is ignored. */
export interface LastTap {
  data: string;
  /** ctx.now of the tap, in ms since the epoch. */
  at: number;
}

/** One round of one campaign. */
export interface CampaignRef {
  id: string;
  round: number;
}

export interface ConversationState {
  v: typeof STATE_VERSION;
  lang: Lang;
  /** Nonce of the prompt on screen: bumped whenever a new or changed prompt is shown. */
  seq: number;
  /** The consent version the citizen agreed to; absent = no consent, nothing personal kept. */
  consentVersion?: string;
  optedOut: boolean;
  /** A unit code from a start payload (u_<CODE>), kept until the unit step uses it. */
  pendingUnit?: string;
  profile: ProfileState;
  step: Step;
  dialog?: Dialog;
  assessment?: AssessmentState;
  officer?: OfficerState;
  lastTap?: LastTap;
  /**
   * The campaign message the bot said last, until the citizen's next event: a /stop typed right after it
   * is that campaign's opt-out (campaign status counts it).
   */
  lastCampaign?: CampaignRef;
}

export function initialState(lang: Lang = "vi", seq = 0): ConversationState {
  return { v: STATE_VERSION, lang, seq, optedOut: false, profile: {}, step: { kind: "new" } };
}

const answerValue = z.union([z.string(), z.array(z.string()), z.number(), z.boolean()]);
const evidence = z.object({ kind: z.enum(["image", "file"]), ref: z.string(), name: z.string().optional() });
const edit = z.boolean();

const stepSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("new") }),
  z.object({ kind: z.literal("consent") }),
  z.object({ kind: z.literal("declined") }),
  z.object({ kind: z.literal("group") }),
  z.object({ kind: z.literal("unit") }),
  z.object({ kind: z.literal("unit_suggest"), code: z.string(), name: z.string() }),
  z.object({ kind: z.literal("unit_pick"), units: z.array(z.object({ code: z.string(), name: z.string() })) }),
  z.object({ kind: z.literal("name") }),
  z.object({ kind: z.literal("birth_year") }),
  z.object({ kind: z.literal("guardian") }),
  z.object({ kind: z.literal("question"), qid: z.string(), edit, draft: z.array(z.string()).optional() }),
  z.object({ kind: z.literal("evidence"), qid: z.string(), edit, waiting: z.boolean() }),
  z.object({ kind: z.literal("review"), page: z.number().int().min(0) }),
  z.object({ kind: z.literal("submitted") }),
  z.object({ kind: z.literal("set_gone") }),
]);

const stateSchema = z.object({
  v: z.literal(STATE_VERSION),
  lang: z.enum(["vi", "en"]),
  seq: z.number().int().min(0),
  consentVersion: z.string().optional(),
  optedOut: z.boolean(),
  pendingUnit: z.string().optional(),
  profile: z.object({
    targetGroup: z.enum(["worker", "public_servant", "student", "resident"]).optional(),
    unitId: z.string().optional(),
    unitCode: z.string().optional(),
    unitName: z.string().optional(),
    fullName: z.string().optional(),
    birthYear: z.number().int().optional(),
    phone: z.string().optional(),
    guardianConsent: z.boolean().optional(),
  }),
  step: stepSchema,
  dialog: z.enum(["lang", "restart", "delete"]).optional(),
  assessment: z
    .object({
      setId: z.string(),
      setVersion: z.string(),
      year: z.number().int(),
      answers: z.record(z.string(), answerValue),
      evidence: z.record(z.string(), z.array(evidence)),
      submitted: z
        .object({ verdict: z.enum(["dat", "chua_dat", "incomplete"]), total: z.number(), max: z.number() })
        .optional(),
      revisit: z.array(z.string()).optional(),
    })
    .optional(),
  officer: z.record(z.string(), z.unknown()).optional(),
  lastTap: z.object({ data: z.string(), at: z.number() }).optional(),
  lastCampaign: z.object({ id: z.string(), round: z.number().int() }).optional(),
});

// The schema must describe exactly the declared type.
const checked: z.ZodType<ConversationState> = stateSchema;

/** A stored state, or null when it is missing, malformed or of another version (start over). */
export function parseState(json: unknown): ConversationState | null {
  const parsed = checked.safeParse(json);
  return parsed.success ? parsed.data : null;
}
