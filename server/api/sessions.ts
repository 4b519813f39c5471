// Sessions of the admin API and dashboard, and the short-lived sign-in links officers receive in chat.
// Only SHA-256 hashes of tokens are stored, so a copy of the database lets nobody sign in.
import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";

export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

export interface SessionRow {
  personId: string | null;
  expiresAt: Date;
}

/**
 * A single-use sign-in link for an officer (someone with an active officer row), valid 15 minutes.
 * Returns undefined when the person is no active officer. The chat command /dashboard sends it.
 */
export async function createSignInLink(
  pool: Pick<pg.Pool, "query">,
  personId: string,
  publicBaseUrl: string,
  now = new Date(),
): Promise<{ url: string; token: string; expiresAt: Date } | undefined> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_TTL_MS);
  const { rowCount } = await pool.query(
    `INSERT INTO sign_in_links (token_hash, person_id, expires_at)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM officers WHERE person_id = $2 AND active)`,
    [hash(token), personId, expiresAt],
  );
  if (!rowCount) return undefined;
  return { url: `${publicBaseUrl}/dashboard/sign-in?token=${encodeURIComponent(token)}`, token, expiresAt };
}

/** Exchanges a sign-in link's token (once, before it expires) for a session token. */
export async function redeemSignInLink(pool: pg.Pool, token: string, now = new Date()): Promise<{ token: string; expiresAt: Date } | undefined> {
  const { rows } = await pool.query<{ person_id: string }>(
    `UPDATE sign_in_links SET used_at = $2
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
        AND EXISTS (SELECT 1 FROM officers o WHERE o.person_id = sign_in_links.person_id AND o.active)
      RETURNING person_id`,
    [hash(token), now],
  );
  if (!rows[0]) return undefined;
  return createSession(pool, rows[0].person_id, now);
}

/** A session for an officer (personId) or for the administrator (null, after presenting ADMIN_TOKEN). */
export async function createSession(pool: pg.Pool, personId: string | null, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await pool.query(`INSERT INTO admin_sessions (token_hash, person_id, expires_at) VALUES ($1, $2, $3)`, [hash(token), personId, expiresAt]);
  return { token, expiresAt };
}

export async function findSession(pool: pg.Pool, token: string, now = new Date()): Promise<SessionRow | undefined> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT person_id AS "personId", expires_at AS "expiresAt" FROM admin_sessions WHERE token_hash = $1 AND expires_at > $2`,
    [hash(token), now],
  );
  return rows[0];
}

export async function endSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query(`DELETE FROM admin_sessions WHERE token_hash = $1`, [hash(token)]);
}

/** Removes expired sessions and links (called by the retention job or on sign-in). */
export async function pruneSessions(pool: pg.Pool, now = new Date()): Promise<void> {
  await pool.query(`DELETE FROM admin_sessions WHERE expires_at <= $1`, [now]);
  await pool.query(`DELETE FROM sign_in_links WHERE expires_at <= $1`, [now]);
}
