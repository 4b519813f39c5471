// What an event asks of the database for officer work, decided purely from the state and the event:
// the server does it inside the event's transaction and hands the outcome to the step as ctx.review.
import type { ReviewNeed } from "../../review.ts";
import type { InboundEvent, Translate } from "../../types.ts";
import { decodeRecordButton } from "../buttons.ts";
import type { ConversationState } from "../state.ts";
import { parseCommand } from "../commands/parse.ts";
import { officerState, REASON_WAIT_MS } from "./officer-state.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^o_([A-Za-z0-9_-]{32})$/;
const CODE = /^\s*CB[\s-]*[0-9A-Za-z]{5}[\s-]*[0-9A-Za-z]{5}\s*$/i;
export const REASON_CODES = {
  rejected: ["missing_evidence", "answers_inconsistent", "not_member"],
  needs_more: ["add_evidence", "check_answers"],
} as const;

/** /queue or one of its words ("HÀNG CHỜ"), read by the one command parser. */
export function isQueueCommand(event: InboundEvent): boolean {
  if (event.type === "command") return event.name === "queue";
  if (event.type !== "text") return false;
  const typed = parseCommand(event.text);
  return typed?.kind === "command" && typed.name === "queue";
}

/** A command, typed as "/name" or as one of its words ("TRANG QUẢN LÝ", "BÁO CÁO"). */
function isCommand(event: InboundEvent, name: "dashboard" | "report"): boolean {
  if (event.type === "command") return event.name === name;
  if (event.type !== "text") return false;
  const typed = parseCommand(event.text);
  return typed?.kind === "command" && typed.name === name;
}

export const isDashboardCommand = (event: InboundEvent) => isCommand(event, "dashboard");
export const isReportCommand = (event: InboundEvent) => isCommand(event, "report");

/** /status or one of its words ("TRẠNG THÁI"). */
export function isStatusCommand(event: InboundEvent): boolean {
  if (event.type === "command") return event.name === "status";
  if (event.type !== "text") return false;
  const typed = parseCommand(event.text);
  return typed?.kind === "command" && typed.name === "status";
}

/** An invitation in a start payload ("o_<token>") or typed (the Zalo code). */
export function invitationIn(event: InboundEvent): Extract<ReviewNeed, { kind: "accept" }> | undefined {
  // "/start o_<token>": a start event (web chat, Zalo) or the text Telegram delivers, read by the parser.
  const typed = event.type === "text" ? parseCommand(event.text) : null;
  const arg = event.type === "command" && event.name === "start" ? event.arg : typed?.kind === "command" && typed.name === "start" ? typed.arg : undefined;
  if (arg) {
    const m = TOKEN.exec(arg.trim());
    if (m) return { kind: "accept", secret: { token: m[1]! } };
  }
  if (event.type === "text" && CODE.test(event.text)) return { kind: "accept", secret: { code: event.text.trim() } };
  return undefined;
}

/** The questions the officer ticked so far for needs_more on this assessment. */
function pickedFor(state: ConversationState, id: string | undefined): { questions?: string[] } {
  const awaiting = officerState(state).awaiting;
  const picked = awaiting && awaiting.id === id && awaiting.decision === "needs_more" ? awaiting.picked ?? [] : [];
  return picked.length > 0 ? { questions: picked } : {};
}

function recordNeed(state: ConversationState, data: string): ReviewNeed | undefined {
  const b = decodeRecordButton(data);
  if (!b) return undefined;
  const [id, arg] = b.args;
  const record = id !== undefined && UUID.test(id);
  switch (b.action) {
    case "ok":
      return record ? { kind: "decide", assessmentId: id!, decision: "confirmed" } : undefined;
    case "rc":
      return record && arg ? { kind: "decide", assessmentId: id!, decision: "rejected", reasonCode: arg } : undefined;
    case "mc":
      return record && arg ? { kind: "decide", assessmentId: id!, decision: "needs_more", reasonCode: arg, ...pickedFor(state, id) } : undefined;
    case "rv": {
      // R.rv.<id>.<c|r|m>[.<reason code>]: a lead's revision.
      const decision = arg === "c" ? "confirmed" : arg === "r" ? "rejected" : arg === "m" ? "needs_more" : undefined;
      const code = b.args[2];
      if (!record || !decision || (decision !== "confirmed" && (code === undefined || !/^[a-z_]{1,32}$/.test(code)))) return undefined;
      return { kind: "revise", assessmentId: id!, decision, ...(decision !== "confirmed" ? { reasonCode: code! } : {}) };
    }
    case "ms":
      return record ? { kind: "decide", assessmentId: id!, decision: "needs_more", ...pickedFor(state, id) } : undefined;
    case "no":
    case "nm":
    case "mt":
    case "vw":
      return record ? { kind: "open", assessmentId: id! } : undefined;
    case "nx":
      return { kind: "next" };
    case "q": {
      const at = id !== undefined ? Number.parseInt(id, 36) : NaN;
      return Number.isSafeInteger(at) && arg !== undefined && UUID.test(arg) ? { kind: "queue", after: { at, id: arg } } : { kind: "queue" };
    }
    case "ed":
      return record && state.consentVersion !== undefined ? { kind: "own", assessmentId: id! } : undefined;
    case "pm":
      return id === "immediate" || id === "digest" ? { kind: "prefs", mode: id } : undefined;
    default:
      return undefined;
  }
}

/** The database work this event needs (none for most citizen events). */
export function reviewNeeds(state: ConversationState | null, event: InboundEvent, personId: string | undefined, t: Translate, now: Date): ReviewNeed[] {
  if (state === null || event.type === "system" || event.type === "unfollow") return [];
  const needs: ReviewNeed[] = [];
  const officer = officerState(state);
  const invitation = invitationIn(event);
  if (personId === undefined) return [];
  if (invitation) return [invitation];
  // An invitation opened before consent is accepted with the first event after it.
  if (officer.invite) needs.push({ kind: "accept", secret: officer.invite });
  if (event.type === "button") {
    const need = recordNeed(state, event.data);
    if (need) needs.push(need);
  } else if (isQueueCommand(event)) {
    needs.push({ kind: "queue" });
  } else if (isDashboardCommand(event)) {
    needs.push({ kind: "dashboard" });
  } else if (isReportCommand(event)) {
    needs.push({ kind: "report" });
  } else if (isStatusCommand(event) && state.step.kind === "submitted" && state.consentVersion !== undefined) {
    needs.push({ kind: "mine" });
  } else if (event.type === "text") {
    const awaiting = officer.awaiting;
    if (awaiting && now.getTime() - awaiting.at < REASON_WAIT_MS && !event.text.trim().startsWith("/")) {
      needs.push({ kind: "decide", assessmentId: awaiting.id, decision: awaiting.decision, reason: event.text.trim().slice(0, 1000), ...pickedFor(state, awaiting.id) });
    }
  }
  if (state.step.kind === "review" && needs.length === 0) needs.push({ kind: "submission" });
  if (state.step.kind === "submitted" && state.dialog === "restart" && needs.length === 0) needs.push({ kind: "withdrawing" });
  return needs;
}
