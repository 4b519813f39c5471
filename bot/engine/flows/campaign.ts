// Campaign messages in the recipient's own conversation (system event "campaign.message", sent in the
// bulk lane) and the record button that resumes the self-assessment exactly where the citizen stopped.
// The text and buttons come from bot/campaigns/render.ts; this flow supplies who the recipient is (name,
// age, group, unit, language) and their progress as the conversation knows it.
import { renderCampaignMessage } from "../../campaigns/render.ts";
import type { RecipientView } from "../../campaigns/types.ts";
import type { SystemEvent } from "../../types.ts";
import { assessmentSet, isAnswered, visible } from "../answers.ts";
import { closeDialog, reprompt, say, type Turn } from "../turn.ts";
import { runCommand } from "./commands.ts";

type CampaignEvent = Extract<SystemEvent, { name: "campaign.message" }>;

function progress(turn: Turn): RecipientView["progress"] {
  const a = turn.s.assessment;
  if (!a || a.submitted) return undefined;
  const set = assessmentSet(turn);
  if (!set) return undefined;
  const questions = visible(set, a.answers);
  return { answered: questions.filter((q) => isAnswered(a.answers, q.id)).length, total: questions.length };
}

/** Says the campaign's message; nothing to a conversation that stopped reminders or has no consent. */
export function campaignMessage(turn: Turn, event: CampaignEvent): void {
  const { s } = turn;
  if (s.optedOut || s.consentVersion === undefined) return;
  const p = progress(turn);
  const unitName = event.unitName ?? s.profile.unitName;
  const view: RecipientView = {
    lang: s.lang,
    status: event.status,
    ...(s.profile.fullName !== undefined ? { fullName: s.profile.fullName } : {}),
    ...(s.profile.birthYear !== undefined ? { birthYear: s.profile.birthYear } : {}),
    ...(s.profile.targetGroup !== undefined ? { targetGroup: s.profile.targetGroup } : {}),
    ...(unitName !== undefined ? { unitName } : {}),
    ...(p ? { progress: p } : {}),
    ...(event.backlog !== undefined ? { backlog: event.backlog } : {}),
  };
  say(turn, { ...renderCampaignMessage(event.campaign, view, turn.ctx.t), lane: "bulk" });
  turn.s.lastCampaign = { id: event.campaign.campaignId, round: event.campaign.round };
}

/** "go" (a campaign message's "Tiếp tục tự đánh giá" / "Bắt đầu"): the current prompt again, or the start. */
export function resumeButton(turn: Turn, args: readonly string[]): boolean {
  if (args.length !== 0) return false;
  if (turn.s.consentVersion === undefined) {
    runCommand(turn, "start", undefined);
    return true;
  }
  closeDialog(turn);
  reprompt(turn);
  return true;
}
