// The inbound path's contract: channel adapters hand over one platform event already turned into an
// engine event; the pipeline deduplicates it and applies it in one transaction with its outbox rows.
import type { ChannelName, InboundEvent } from "../../bot/types.ts";

export interface InboundInput {
  channel: ChannelName;
  /** The platform's id of the citizen's chat (Telegram chat id, Zalo user id, web account id), as a string. */
  externalUserId: string;
  /** The platform's id of this delivery, for deduplication (Telegram update_id, Zalo msg_id, …). */
  eventId: string;
  event: InboundEvent;
  /** When the platform says the event happened (falls back to the time we received it). */
  at: Date;
}

export type InboundOutcome = { status: "applied"; outboxIds: string[] } | { status: "duplicate" };

export type HandleInbound = (input: InboundInput) => Promise<InboundOutcome>;
