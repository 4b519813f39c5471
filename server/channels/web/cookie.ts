// The web account: a random id in the cookie `cdht_web`, signed with HMAC-SHA256 under WEB_CHAT_SECRET so
// that nobody can pick another citizen's id. http-only, SameSite=Lax, Secure behind https.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const COOKIE_NAME = "cdht_web";
/** Browsers cap a cookie's lifetime at 400 days. */
export const COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;

const ID = /^[A-Za-z0-9_-]{22}$/;
const SIGNED = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** 16 random bytes: 22 characters of base64url. */
export function newAccountId(): string {
  return randomBytes(16).toString("base64url");
}

function mac(id: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`${COOKIE_NAME}:${id}`).digest();
}

export function signAccountId(id: string, secret: string): string {
  if (!ID.test(id)) throw new Error("a web account id is 22 base64url characters");
  return `${id}.${mac(id, secret).toString("base64url")}`;
}

/** The account id of a signed cookie value, or null when it is malformed or not signed by us. */
export function verifyAccountCookie(value: string | undefined, secret: string): string | null {
  const m = value === undefined ? null : SIGNED.exec(value);
  if (!m) return null;
  // Compared as text: base64url's last character carries two unused bits, and a value differing only
  // there would decode to the same bytes.
  const given = Buffer.from(m[2]!, "latin1");
  const expected = Buffer.from(mac(m[1]!, secret).toString("base64url"), "latin1");
  return given.length === expected.length && timingSafeEqual(given, expected) ? m[1]! : null;
}

/** One cookie's value from a Cookie header (the first of that name). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return undefined;
}

export function setCookieHeader(value: string, options: { secure: boolean }): string {
  return [
    `${COOKIE_NAME}=${value}`,
    "Path=/chat",
    `Max-Age=${COOKIE_MAX_AGE_S}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}
