// The inbound path's contract: channel adapters hand over one platform event already turned into an
// engine event; the pipeline deduplicates it and applies it in one transaction with its outbox rows.
// System events (no chat sent them) take the second entry, handleSystem, with the same guarantees.
import type { ReviewContext } from "../../bot/review.ts";
import type { ChannelName, ChatEvent, Lane, SystemEvent } from "../../bot/types.ts";

export interface InboundInput {
  channel: ChannelName;
  /** The platform's id of the citizen's chat (Telegram chat id, Zalo user id, web account id), as a string. */
  externalUserId: string;
  /** The platform's id of this delivery, for deduplication (Telegram update_id, Zalo msg_id, …). */
  eventId: string;
  event: ChatEvent;
  /** When the platform says the event happened (falls back to the time we received it). */
  at: Date;
  /** The platform's id of the message this event is (Zalo msg_id): replies to the chat name it. */
  replyTo?: string;
}

export type InboundOutcome = { status: "applied"; outboxIds: string[] } | { status: "duplicate" };

export type HandleInbound = (input: InboundInput) => Promise<InboundOutcome>;

export interface SystemInput {
  /** The conversation the event is applied to: an account, or a person's reachable account used last. */
  target: { accountId: string } | { personId: string; /** also an account marked unreachable (nothing is said to it) */ anyAccount?: boolean };
  /** Stable id of the event (e.g. "reminder:<assessment id>:<day>"): a retried job applies once. */
  eventId: string;
  event: SystemEvent;
  /** Lane of the messages to the conversation's own chat that name none; default `notice`. */
  lane?: Lane;
}

export type SystemOutcome =
  /** review: what officer review did in the event's transaction (e.g. a decision's outcome). */
  | { status: "applied"; outboxIds: string[]; review?: ReviewContext }
  | { status: "duplicate" }
  /** No (reachable) account to apply it to; nothing was recorded, a later retry may apply it. */
  | { status: "no_account" };

export type HandleSystem = (input: SystemInput) => Promise<SystemOutcome>;
