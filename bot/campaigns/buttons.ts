// Button data of campaign messages: record buttons (bot/engine/README.md), which carry no prompt nonce,
// so a campaign message stays valid for days whatever the citizen did in between.
import { encodeRecordButton } from "../engine/buttons.ts";

export const CAMPAIGN_BUTTON_DATA = {
  /** Resume the self-assessment exactly where the citizen stopped, or begin it (flows/campaign.ts). */
  continue: encodeRecordButton("go"),
  /** Stop every campaign message to this person on every channel: the same as /stop (flows/records.ts). */
  stop: encodeRecordButton("st"),
} as const;

/** "Ngừng nhận tin nhắc" of one campaign round: the opt-out it causes counts for that campaign. */
export function stopButtonData(campaignId: string, round: number): string {
  return encodeRecordButton("st", campaignId, String(round));
}
