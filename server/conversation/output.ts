// What one applied event sends: its messages turned into outbox rows, one per recipient account.
// Messages without an addressee go to the conversation's own chat; addressed ones to every recipient the
// accounts store resolved for them, in the recipient's language. Keys derive from the event, the
// recipient account and the message's index, so a replayed event writes nothing twice.
import type { ChannelName, Lane, Lang, OutMessage } from "../../bot/types.ts";
import { addresseeKey, type Recipient } from "../accounts/addressees.ts";
import type { NewOutboxRow } from "../outbox/store.ts";
import type { OutboxPayload } from "../outbox/types.ts";
import { tokenizeButtons, type ButtonToken } from "./button-tokens.ts";

export interface OutputInput {
  /** The event's stable key ("telegram:<update_id>", "system:<id>"). */
  source: string;
  /** The conversation's own chat. */
  self: { accountId: string; channel: ChannelName; externalId: string; lang: Lang };
  /** Rows before the messages, to the own chat (Telegram: answer the tapped button). */
  before?: OutboxPayload[];
  messages: readonly OutMessage[];
  /** Recipients of each addressee (addresseeKey). */
  recipients: ReadonlyMap<string, readonly Recipient[]>;
  /** Lane of messages to the own chat that name none. */
  ownLane: Lane;
  /** The platform message the own chat's rows answer (Zalo msg_id). */
  replyTo?: string;
  now: Date;
}

export interface Output {
  rows: NewOutboxRow[];
  /** Button data too long for the platforms, to store as tokens with the rows. */
  tokens: ButtonToken[];
}

/** The version of a message for a recipient of this language: untagged, or tagged with its language. */
function forLang(message: OutMessage, lang: Lang): boolean {
  return message.lang === undefined || message.lang === lang;
}

/** The message as stored: addressing fields dropped (the row says where and in which lane). */
function stored(message: OutMessage, tokens: ButtonToken[], now: Date): OutboxPayload {
  const { to: _to, lane: _lane, lang: _lang, subject: _subject, ...rest } = message;
  return { kind: "message", message: tokenizeButtons(rest, tokens, now) };
}

export function buildOutput(input: OutputInput): Output {
  const { self } = input;
  const tokens: ButtonToken[] = [];
  const rows: NewOutboxRow[] = [];
  const before = input.before ?? [];
  before.forEach((payload, i) => {
    rows.push({
      channel: self.channel,
      recipient: self.externalId,
      payload,
      idempotencyKey: `${input.source}:${i}`,
      lane: "reply",
      ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
    });
  });
  input.messages.forEach((message, index) => {
    if (message.to === undefined) {
      if (!forLang(message, self.lang)) return;
      rows.push({
        channel: self.channel,
        recipient: self.externalId,
        payload: stored(message, tokens, input.now),
        idempotencyKey: `${input.source}:${before.length + index}`,
        lane: message.lane ?? input.ownLane,
        ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      });
      return;
    }
    for (const r of input.recipients.get(addresseeKey(message.to)) ?? []) {
      // The own chat hears the step directly; an addressed message is for the others.
      if (r.accountId === self.accountId || !forLang(message, r.lang)) continue;
      rows.push({
        channel: r.channel,
        recipient: r.externalId,
        payload: stored(message, tokens, input.now),
        idempotencyKey: `${input.source}:${r.accountId}:${index}`,
        lane: message.lane ?? "notice",
        ...(message.subject !== undefined ? { subjectId: message.subject } : {}),
      });
    }
  });
  return { rows, tokens };
}
