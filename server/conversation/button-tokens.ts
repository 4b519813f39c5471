// Button data longer than Telegram's 64 bytes of callback_data (a button that names two records, say)
// is sent as "~<token>"; the token refers to the full data in `button_tokens` for TOKEN_DAYS. The
// token is a digest of the data, so the same data always gets the same token and a replay stores nothing
// new. The engine never sees tokens: the pipeline swaps them on the way out and back in.
import { createHash } from "node:crypto";
import type { Button, OutMessage } from "../../bot/types.ts";
import { sql, type Statement } from "../db/statement.ts";

export const MAX_DATA_BYTES = 64;
/** Days a token stays valid: record buttons (an assessment to decide) are answered days later. */
export const TOKEN_DAYS = 60;
const PREFIX = "~";

export interface ButtonToken {
  token: string;
  data: string;
  expiresAt: Date;
}

export function isToken(data: string): boolean {
  return data.startsWith(PREFIX) && /^~[A-Za-z0-9_-]{22}$/.test(data);
}

function tokenOf(data: string): string {
  return PREFIX + createHash("sha256").update(data).digest("base64url").slice(0, 22);
}

/** The message with every long button data replaced by its token (collected in `out`). */
export function tokenizeButtons<M extends OutMessage>(message: M, out: ButtonToken[], now: Date): M {
  if (!message.buttons?.some((row) => row.some((b) => Buffer.byteLength(b.data, "utf8") > MAX_DATA_BYTES))) return message;
  const expiresAt = new Date(now.getTime() + TOKEN_DAYS * 86_400_000);
  const swap = (b: Button): Button => {
    if (Buffer.byteLength(b.data, "utf8") <= MAX_DATA_BYTES) return b;
    const token = tokenOf(b.data);
    if (!out.some((t) => t.token === token)) out.push({ token, data: b.data, expiresAt });
    return { ...b, data: token };
  };
  return { ...message, buttons: message.buttons.map((row) => row.map(swap)) };
}

/** Stores the tokens (an existing token's validity is extended). */
export function storeTokens(tokens: readonly ButtonToken[]): Statement {
  const values: unknown[] = [];
  const tuples = tokens.map((t) => {
    values.push(t.token, t.data, t.expiresAt);
    const n = values.length;
    return `($${n - 2}, $${n - 1}, $${n}::timestamptz)`;
  });
  return sql(
    `INSERT INTO button_tokens (token, data, expires_at) VALUES ${tuples.join(", ")}
     ON CONFLICT (token) DO UPDATE SET expires_at = GREATEST(button_tokens.expires_at, EXCLUDED.expires_at)`,
    ...values,
  );
}

/** The data a token stands for, while it is valid (no row otherwise). */
export function lookupToken(token: string): Statement {
  return sql(`SELECT data FROM button_tokens WHERE token = $1 AND expires_at > now()`, token);
}

/** Expired tokens, oldest first, in batches (retention). */
export const PRUNE_BUTTON_TOKENS = (batch: number) => `
DELETE FROM button_tokens WHERE token IN (
  SELECT token FROM button_tokens WHERE expires_at < $1::timestamptz ORDER BY expires_at LIMIT ${batch})`;
