// The outbound path's contract: what an outbox row carries and what a channel's sender reports back.
// The delivery worker (server/outbox/worker.ts) owns ordering, pacing, retries and idempotency; a
// sender only turns one payload into platform calls and classifies the outcome.
import type { ChannelName, Lane, OutMessage } from "../../bot/types.ts";

export type OutboxPayload =
  | { kind: "message"; message: OutMessage }
  /** Telegram: stop the spinner on a tapped inline button. */
  | { kind: "callback_answer"; callbackQueryId: string; text?: string };

export interface RecipientInfo {
  /** Last time the citizen wrote, tapped or followed (Zalo's 7-day window is counted from it). */
  lastInteractionAt: Date | null;
  reachable: boolean;
}

/** The leading parts of a split message that reached the platform (count, and the last one's id). */
export interface PartsSent {
  count: number;
  lastId: string;
}

export type SendResult =
  /** billed: how the platform bills this message (Zalo: a free reply, a consultation message or a paid template). */
  | { ok: true; platformMessageId: string; billed?: "reply" | "consultation" | "template" | "promotion" }
  /**
   * Try this row again after delayMs; scope "channel" holds every recipient of the channel (global 429).
   * partsSent: the parts delivered so far, stored with the row and handed back to the retry.
   */
  | {
      ok: false;
      retry: "after";
      delayMs: number;
      scope: "recipient" | "channel";
      reason: string;
      partsSent?: PartsSent;
      /** Or earlier, as soon as the citizen writes again (windowOpen says so): Zalo's closed window. */
      untilInteraction?: boolean;
    }
  /** A transient failure (network, 5xx): retry with exponential back-off. */
  | { ok: false; retry: "backoff"; reason: string; partsSent?: PartsSent }
  /** Never retry; unreachable marks the chat account so that reminders skip it. */
  | { ok: false; retry: "never"; reason: string; unreachable?: boolean };

/** What a sender may know about the row beyond its payload. */
export interface RowContext {
  lane: Lane;
  /** The platform's id of the message the row answers (Zalo: name it, so the reply is billed as one). */
  replyTo?: string;
}

export interface ChannelSender {
  channel: ChannelName;
  /** Messages per second across all recipients and processes. */
  globalPerSecond: number;
  /** Minimum spacing between two messages to one recipient. */
  perRecipientIntervalMs: number;
  /**
   * The reader waits on our own server (web chat): after a row is marked delivered, the worker
   * announces it over Redis (server/outbox/announce.ts) so the waiting page is woken without polling.
   */
  announcesDelivery?: boolean;
  /**
   * Sending a row again cannot show it twice (web chat: the page reads the row itself). A row a dead
   * worker left `sending` is then sent again; without it the row becomes `uncertain` and is never re-sent
   * (Telegram, Zalo: the platform gives no way to learn whether the call arrived, nor an idempotency key).
   */
  idempotent?: boolean;
  /** `done`: the parts an earlier attempt delivered; the sender sends only the rest. */
  send(recipient: string, payload: OutboxPayload, info: RecipientInfo, done?: PartsSent, row?: RowContext): Promise<SendResult>;
  /**
   * Consecutive messages of one reply that the platform can take as one message (Zalo bills each):
   * how many of the leading `messages` go together, and the message that carries them. Absent: one
   * row, one message.
   */
  combine?(messages: OutMessage[]): { message: OutMessage; count: number };
  /** Whether the platform lets us write to the chat now (Zalo: the citizen wrote in the last 7 days). */
  windowOpen?(info: RecipientInfo): boolean;
}
