// Record buttons ("R.<action>[.<arg>…]", see buttons.ts): taps that refer to a record rather than to
// the prompt on screen, valid for days. One handler per action; officer review and campaigns register
// theirs here. A handler returns false when the action does not apply (any more): "old button".
import type { DecodedRecordButton } from "../buttons.ts";
import type { Turn } from "../turn.ts";
import { resumeButton } from "./campaign.ts";
import { runCommand } from "./commands.ts";

type RecordHandler = (turn: Turn, args: readonly string[]) => boolean;

/** "st": stop reminders (a reminder's button), the same as /stop. */
function stopReminders(turn: Turn, args: readonly string[]): boolean {
  if (args.length !== 0 || turn.s.consentVersion === undefined) return false;
  runCommand(turn, "stop", undefined);
  return true;
}

export const recordHandlers: Readonly<Record<string, RecordHandler>> = {
  st: stopReminders,
  go: resumeButton,
};

export function recordButtonTap(turn: Turn, button: DecodedRecordButton): boolean {
  const handler = recordHandlers[button.action];
  return handler !== undefined && handler(turn, button.args);
}
