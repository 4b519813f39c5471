// The officer's part of a conversation state (ConversationState.officer): an invitation opened before
// consent, and a reason being typed for a decision. Free-form JSON in the stored state, read safely here.
import type { Decision } from "../../review.ts";
import type { ConversationState } from "../state.ts";

/** How long a typed reason is awaited after "Không xác nhận" / "Yêu cầu bổ sung". */
export const REASON_WAIT_MS = 30 * 60_000;

export interface OfficerPart {
  invite?: { token: string } | { code: string };
  /** picked: the questions named so far for needs_more (R.mt ticks). */
  awaiting?: { id: string; decision: Exclude<Decision, "confirmed">; at: number; picked?: string[] };
}

export function officerState(state: ConversationState): OfficerPart {
  const o = (state.officer ?? {}) as Record<string, unknown>;
  const out: OfficerPart = {};
  const invite = o.invite as Record<string, unknown> | undefined;
  if (invite && typeof invite.token === "string") out.invite = { token: invite.token };
  else if (invite && typeof invite.code === "string") out.invite = { code: invite.code };
  const awaiting = o.awaiting as Record<string, unknown> | undefined;
  if (
    awaiting && typeof awaiting.id === "string" && typeof awaiting.at === "number" &&
    (awaiting.decision === "rejected" || awaiting.decision === "needs_more")
  ) {
    const picked = Array.isArray(awaiting.picked) ? awaiting.picked.filter((q): q is string => typeof q === "string").slice(0, 50) : undefined;
    out.awaiting = { id: awaiting.id, decision: awaiting.decision, at: awaiting.at, ...(picked ? { picked } : {}) };
  }
  return out;
}

export function setOfficerState(state: ConversationState, part: OfficerPart): void {
  if (part.invite === undefined && part.awaiting === undefined) delete state.officer;
  else state.officer = JSON.parse(JSON.stringify(part)) as Record<string, unknown>;
}
