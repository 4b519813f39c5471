// The audit log (table audit_log, append-only): every change made through the admin API or the CLI.
import type pg from "pg";

/** Who acted: the province administrator (ADMIN_TOKEN), an officer (their person id) or the CLI. */
export type Actor = { kind: "admin" } | { kind: "officer"; personId: string } | { kind: "cli" };

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export async function recordAudit(db: Queryable, actor: Actor, action: string, details: Record<string, unknown>): Promise<void> {
  await db.query(`INSERT INTO audit_log (actor_kind, actor_id, action, details) VALUES ($1, $2, $3, $4)`, [
    actor.kind,
    actor.kind === "officer" ? actor.personId : null,
    action,
    JSON.stringify(details),
  ]);
}

export interface AuditEntry {
  id: string;
  at: Date;
  actorKind: string;
  actorId: string | null;
  action: string;
  details: Record<string, unknown>;
}

/** The newest entries first, before an id (keyset pagination). */
export async function listAudit(db: Queryable, options: { before?: string; limit: number }): Promise<AuditEntry[]> {
  const { rows } = await db.query<AuditEntry>(
    `SELECT id::text, at, actor_kind AS "actorKind", actor_id AS "actorId", action, details
       FROM audit_log WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
    [options.before ?? null, options.limit],
  );
  return rows;
}
