// Opt-outs attributed to a campaign: a citizen who stops reminders with a campaign message's own
// "Ngừng nhận tin nhắc" button, or types /stop as the reply to it, opted out through that campaign
// (campaign_recipients.opted_out_at of that round). An opt-out that came any other way counts for none.
import { sql, type Statement } from "../db/statement.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Statement for the event's transaction, or null for an id that cannot be a campaign's (a typed or forged
 * Zalo payload); a campaign or round the person did not get changes nothing.
 */
export function campaignOptOut(personId: string, campaign: { id: string; round: number }): Statement | null {
  if (!UUID.test(campaign.id) || !Number.isInteger(campaign.round) || campaign.round < 1 || campaign.round > 99) return null;
  return sql(
    `UPDATE campaign_recipients SET opted_out_at = now()
      WHERE campaign_id = $2::uuid AND round = $3 AND person_id = $1 AND opted_out_at IS NULL`,
    personId, campaign.id, campaign.round,
  );
}
