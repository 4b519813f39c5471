// Engine messages → Zalo OA v3 consultation message bodies (POST /v3.0/oa/message/cs, field `message`).
// The one place that knows Zalo's message shape.
//
// Text: plain text, no HTML or markup; the title (if any) on its own first line. Texts longer than
// Zalo's 2000 characters are split on line boundaries (a single over-long line is cut, preferably at a
// space); the buttons go with the last part only.
//
// Buttons: `attachment: { type: "template", payload: { buttons: [{ title, type: "oa.query.hide",
// payload }] } }` – the shape of Zalo's "text message with buttons" (public sources disagree on an extra
// `template_type`; we send none, as the v3 text-with-buttons examples do). A hidden query button comes
// back as a `user_send_text` event whose text is the payload: BUTTON_PAYLOAD_PREFIX + the engine's
// button data (events.ts turns it back into a button event). Titles are cut to 100 characters with "…".
//
// Zalo shows at most 5 buttons. When the engine's rows hold more than that (row order, flattened), the
// buttons that have a typed equivalent (Button.typed: an option's number, a question's number in the
// review – the engine's text already tells the citizen to type it) are left out, and the others
// ("Done", "Skip", "Back", "Submit", page buttons) are sent. The engine never shows more than 5 buttons
// without a typed equivalent; if it did, the first 5 would be sent.
import type { Button, OutMessage } from "../../../bot/types.ts";

export const ZALO_TEXT_LIMIT = 2000;
export const ZALO_MAX_BUTTONS = 5;
export const ZALO_BUTTON_TITLE_MAX = 100;
/** Prefix of every hidden-query payload we send; a user_send_text starting with it is a button tap. */
export const BUTTON_PAYLOAD_PREFIX = "#cdht:";

export interface ZaloButton {
  title: string;
  type: "oa.query.hide";
  payload: string;
}

/** A picture uploaded first (POST /v2.0/oa/upload/image), then sent as a media template with the text. */
export interface ZaloMedia {
  type: "template";
  payload: { template_type: "media"; elements: [{ media_type: "image"; attachment_id: string }] };
}

export interface ZaloMessageBody {
  text: string;
  attachment?: { type: "template"; payload: { buttons: ZaloButton[] } };
}

/** What a consultation message may carry: text (with buttons), or text with a picture. */
export type ZaloSendBody = ZaloMessageBody | { text: string; attachment: ZaloMedia };

export const mediaAttachment = (attachmentId: string): ZaloMedia => ({
  type: "template",
  payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] },
});

/** Cuts to `max` code points, ending with "…" when cut. */
export function truncateTitle(title: string, max = ZALO_BUTTON_TITLE_MAX): string {
  const chars = Array.from(title.trim());
  if (chars.length <= max) return chars.join("");
  return chars.slice(0, max - 1).join("").trimEnd() + "…";
}

export function buttonPayload(data: string): string {
  return BUTTON_PAYLOAD_PREFIX + data;
}

/** Splits lines into parts of at most `limit` UTF-16 units, cutting over-long lines (never inside a pair). */
export function splitText(text: string, limit = ZALO_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let current: string | null = null;
  const push = (piece: string) => {
    if (current === null) current = piece;
    else if (current.length + 1 + piece.length <= limit) current = `${current}\n${piece}`;
    else {
      parts.push(current);
      current = piece;
    }
  };
  for (const line of text.split("\n")) {
    let rest = line;
    while (rest.length > limit) {
      let cut = rest.lastIndexOf(" ", limit);
      if (cut < limit / 2) cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair together
      push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    push(rest);
  }
  if (current !== null) parts.push(current);
  return parts.length > 0 ? parts : [""];
}

/** Which buttons to send, per the rule in the file header. */
export function planButtons(buttons: readonly Button[]): Button[] {
  if (buttons.length <= ZALO_MAX_BUTTONS) return [...buttons];
  return buttons.filter((b) => b.typed === undefined).slice(0, ZALO_MAX_BUTTONS);
}

export function renderZalo(message: OutMessage, limit = ZALO_TEXT_LIMIT): ZaloMessageBody[] {
  const all = (message.buttons ?? []).flat();
  const send = planButtons(all);
  const lines = [...(message.title ? [message.title] : []), message.text];
  const parts = splitText(lines.join("\n"), limit);
  const buttons: ZaloButton[] = send.map((b) => ({
    title: truncateTitle(b.label),
    type: "oa.query.hide",
    payload: buttonPayload(b.data),
  }));
  return parts.map((text, i) =>
    i === parts.length - 1 && buttons.length > 0
      ? { text, attachment: { type: "template", payload: { buttons } } }
      : { text },
  );
}

/**
 * Consecutive messages of one reply as one Zalo message (each message sent is billed against the
 * citizen's free replies or the OA's quota): texts joined with a blank line, titles on their own line,
 * while the result fits one message (ZALO_TEXT_LIMIT). Buttons only on the last message taken: a
 * message with buttons ends the group, since Zalo shows them under the whole text.
 */
export function combineMessages(messages: readonly OutMessage[], limit = ZALO_TEXT_LIMIT): { message: OutMessage; count: number } {
  const first = messages[0]!;
  const textOf = (m: OutMessage) => [...(m.title ? [m.title] : []), m.text].join("\n");
  let text = textOf(first);
  let count = 1;
  if (text.length > limit || first.image || (first.buttons ?? []).some((row) => row.length > 0)) return { message: first, count: 1 };
  let buttons: OutMessage["buttons"];
  for (const next of messages.slice(1)) {
    if (next.image) break; // a picture goes as a message of its own
    const joined = `${text}\n\n${textOf(next)}`;
    if (joined.length > limit) break;
    text = joined;
    count++;
    if ((next.buttons ?? []).some((row) => row.length > 0)) {
      buttons = next.buttons;
      break;
    }
  }
  if (count === 1) return { message: first, count: 1 };
  return { message: { text, ...(buttons ? { buttons } : {}) }, count };
}

/** ZBS transaction template limits (Zalo OA help centre). */
export const TEMPLATE_TEXT_MAX = 250;
export const TEMPLATE_BUTTONS_MAX = 4;
export const TEMPLATE_BUTTON_TITLE_MAX = 35;

export interface ZaloTransactionBody {
  attachment: {
    type: "template";
    payload: {
      template_type: string;
      language: "VI";
      elements: ({ type: "header"; content: string; align: "left" } | { type: "text"; content: string; align: "left" })[];
      buttons?: ZaloButton[];
    };
  };
}

/**
 * An engine message as a ZBS transaction template (for a citizen outside the 7-day window): the title
 * (or the first line) as the header, the text in at most two blocks of 250 characters (cut with "…"),
 * at most four buttons with titles of 35 characters – the same hidden-query payloads as a consultation
 * message, so a tap comes back as the citizen's answer.
 */
export function renderTransaction(message: OutMessage, templateType: string): ZaloTransactionBody {
  const lines = message.text.split("\n");
  const header = truncateTitle(message.title ?? lines.shift() ?? "", 100);
  const rest = lines.join("\n").trim();
  const blocks: string[] = [];
  let left = rest;
  while (left.length > 0 && blocks.length < 2) {
    if (left.length <= TEMPLATE_TEXT_MAX || blocks.length === 1) {
      blocks.push(truncateTitle(left, TEMPLATE_TEXT_MAX));
      break;
    }
    let cut = left.lastIndexOf("\n", TEMPLATE_TEXT_MAX);
    if (cut < TEMPLATE_TEXT_MAX / 2) cut = left.lastIndexOf(" ", TEMPLATE_TEXT_MAX);
    if (cut < TEMPLATE_TEXT_MAX / 2) cut = TEMPLATE_TEXT_MAX;
    blocks.push(left.slice(0, cut).trim());
    left = left.slice(cut).trim();
  }
  const buttons = planButtons((message.buttons ?? []).flat())
    .slice(0, TEMPLATE_BUTTONS_MAX)
    .map((b) => ({ title: truncateTitle(b.label, TEMPLATE_BUTTON_TITLE_MAX), type: "oa.query.hide" as const, payload: buttonPayload(b.data) }));
  return {
    attachment: {
      type: "template",
      payload: {
        template_type: templateType,
        language: "VI",
        elements: [
          { type: "header", content: header, align: "left" },
          ...blocks.map((content) => ({ type: "text" as const, content, align: "left" as const })),
        ],
        ...(buttons.length > 0 ? { buttons } : {}),
      },
    },
  };
}
