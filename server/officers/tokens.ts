// Invitation secrets: a long token for links (Telegram start payload, web chat ?o=) and a short code to
// type on Zalo. Only their SHA-256 hashes are stored; both are random (no slow hash is needed).
import { createHash, randomBytes } from "node:crypto";

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 10; // 50 bits

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/** 24 random bytes as base64url: 32 characters, within Telegram's 64-character start payload. */
export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/** A code as shown: "CB-XXXXX-XXXXX". */
export function newCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = "";
  for (const b of bytes) code += ALPHABET[b & 31];
  return `CB-${code.slice(0, 5)}-${code.slice(5)}`;
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/**
 * The canonical form of a typed code ("cb 7k4m9-q2x1o" → "CB-7K4M9-Q2X10"), or undefined when the text
 * is not one. Crockford's reading: O is 0, I and L are 1.
 */
export function normaliseCode(text: string): string | undefined {
  const m = text.trim().toUpperCase().match(/^CB[\s-]*([0-9A-Z]{5})[\s-]*([0-9A-Z]{5})$/);
  if (!m) return undefined;
  const chars = (m[1]! + m[2]!).replace(/O/g, "0").replace(/[IL]/g, "1");
  if ([...chars].some((c) => !ALPHABET.includes(c))) return undefined;
  return `CB-${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** "7d", "12h", "30m" (or a bare number of days) → milliseconds; undefined when unreadable. */
/** The longest an invitation may stay valid. */
export const MAX_INVITE_MS = 90 * 86_400_000;

export function parseDuration(text: string): number | undefined {
  const m = text.trim().match(/^(\d{1,4})\s*([dhm]?)$/i);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] || "d").toLowerCase();
  const ms = n * (unit === "d" ? 86_400_000 : unit === "h" ? 3_600_000 : 60_000);
  return ms > 0 ? ms : undefined;
}
