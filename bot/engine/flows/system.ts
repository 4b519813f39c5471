// System events: what no chat sent (a reminder that is due, a decision that reaches a citizen, a
// campaign message), applied to one conversation by the server's handleSystem. One handler per event
// name; officer review and campaigns register theirs here. A handler that has nothing to say says nothing.
import type { SystemEvent, SystemEventName } from "../../types.ts";
import { campaignMessage } from "./campaign.ts";
import { decidedElsewhere } from "./officer-decide.ts";
import { reviewDigest, reviewReminder } from "./officer-system.ts";
import { column, recordButton, reprompt, say, tr, type Turn } from "../turn.ts";

type Handlers = { [N in SystemEventName]: (turn: Turn, event: Extract<SystemEvent, { name: N }>) => void };

const DRAFT_STEPS: ReadonlySet<string> = new Set(["question", "evidence", "review"]);

/** A draft waits: a reminder (with "stop reminders", valid for days), then the current prompt again. */
function draftReminder(turn: Turn): void {
  const { s } = turn;
  if (s.optedOut || s.consentVersion === undefined || !s.assessment || !DRAFT_STEPS.has(s.step.kind)) return;
  const { t, lang } = tr(turn);
  say(turn, {
    title: t(lang, "reminder.title"),
    text: t(lang, "reminder.draft", { year: s.assessment.year }),
    buttons: column([recordButton(t(lang, "reminder.stop"), "st")]),
  });
  reprompt(turn);
}

export const systemHandlers: Handlers = {
  "assessment.reminder": draftReminder,
  "campaign.message": campaignMessage,
  "review.reminder": reviewReminder,
  "review.digest": reviewDigest,
  "review.decide": decidedElsewhere,
};

export function systemEvent(turn: Turn, event: SystemEvent): void {
  (systemHandlers[event.name] as (turn: Turn, event: SystemEvent) => void)(turn, event);
}
