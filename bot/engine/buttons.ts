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
