// The web chat's ChannelSender. The browser reads delivered rows from the outbox itself
// (GET /chat/api/messages), so "sending" only marks a row deliverable, and the worker then announces
// the delivery over Redis to the page's waiting long poll; the delivery worker still keeps the rows of
// one citizen in order, exactly as for Telegram and Zalo.
import type { ChannelSender, SendResult } from "../../outbox/types.ts";

export const WEB_LIMITS = { globalPerSecond: 1000, perRecipientIntervalMs: 0 };

export function createWebSender(): ChannelSender {
  return {
    channel: "web",
    ...WEB_LIMITS,
    announcesDelivery: true,
    // Delivering a row only makes it readable by the page: doing it twice shows it once.
    idempotent: true,
    async send(): Promise<SendResult> {
      return { ok: true, platformMessageId: "web" };
    },
  };
}
