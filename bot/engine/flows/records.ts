// Record buttons ("R.<action>[.<arg>…]", see buttons.ts): taps that refer to a record rather than to
// the prompt on screen, valid for days. One handler per action; officer review and campaigns register
// theirs here. A handler returns false when the action does not apply (any more): "old button".
import type { DecodedRecordButton } from "../buttons.ts";
import type { Turn } from "../turn.ts";
import { resumeButton } from "./campaign.ts";
import { runCommand } from "./commands.ts";
import { officerRecordHandlers } from "./officer-route.ts";

type RecordHandler = (turn: Turn, args: readonly string[]) => boolean;

/**
 * "st": stop reminders (a reminder's button), the same as /stop. A campaign message's button names its
 * campaign and round ("R.st.<id>.<round>"), so the opt-out counts for that campaign (the server records
 * it only for a campaign id it knows the shape of); other arguments are an old button and change nothing.
 */
function stopReminders(turn: Turn, args: readonly string[]): boolean {
  if (turn.s.consentVersion === undefined) return false;
  if (args.length === 2 && /^[1-9][0-9]?$/.test(args[1]!)) turn.campaign = { id: args[0]!, round: Number(args[1]) };
  else if (args.length !== 0) return false;
  else delete turn.campaign;
  runCommand(turn, "stop", undefined);
  return true;
}

export const recordHandlers: Readonly<Record<string, RecordHandler>> = {
  st: stopReminders,
  go: resumeButton,
  ...officerRecordHandlers,
};

export function recordButtonTap(turn: Turn, button: DecodedRecordButton): boolean {
  const handler = recordHandlers[button.action];
  return handler !== undefined && handler(turn, button.args);
}
