// Button data: "<seq>.<action>[.<arg>…]" with seq in base 36. The seq ties a button to the prompt it
// belongs to: a tap on an older message (or any malformed data) changes nothing. Actions and arguments
// are short codes and indexes, never option ids, so the data stays far below Telegram's 64 bytes.

export const MAX_BUTTON_DATA_BYTES = 64;

export function encodeButton(seq: number, action: string): string {
  return `${seq.toString(36)}.${action}`;
}

export interface DecodedButton {
  seq: number;
  /** The action and its arguments, e.g. ["a", "2"]. */
  action: string[];
}

const DATA = /^([0-9a-z]{1,10})\.([a-zA-Z]{1,2}(?:\.[0-9a-z]{1,8}){0,2})$/;

export function decodeButton(data: string): DecodedButton | null {
  const m = DATA.exec(data);
  if (!m || !m[1] || !m[2]) return null;
  const seq = Number.parseInt(m[1], 36);
  if (!Number.isSafeInteger(seq)) return null;
  return { seq, action: m[2].split(".") };
}

/** A non-negative integer argument such as an option index, or null. */
export function indexArg(arg: string | undefined): number | null {
  if (arg === undefined || !/^\d{1,4}$/.test(arg)) return null;
  return Number(arg);
}

// Record buttons: "R.<action>[.<arg>…]", no seq (a seq is lowercase base 36, so the two never meet).
// They refer to a record (an assessment to decide, a campaign's "continue", "stop reminders") and stay
// valid for days whatever was shown since; the record itself says whether the action still applies. Data over 64 bytes is swapped for a server-side token
// by the pipeline (server/conversation/button-tokens.ts); the engine always sees the full data.

const RECORD = /^R\.([a-zA-Z]{1,3})((?:\.[0-9A-Za-z_-]{1,64}){0,4})$/;

export function encodeRecordButton(action: string, ...args: string[]): string {
  return ["R", action, ...args].join(".");
}

export interface DecodedRecordButton {
  action: string;
  args: string[];
}

export function decodeRecordButton(data: string): DecodedRecordButton | null {
  const m = RECORD.exec(data);
  if (!m || !m[1]) return null;
  return { action: m[1], args: m[2] ? m[2].slice(1).split(".") : [] };
}
