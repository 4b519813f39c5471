// Officer invitations: issued by an admin for a unit and a role, accepted once from a chat whose person
// has consented, until they expire. The secrets are returned once, at issue; only hashes are stored.
import type pg from "pg";
import { normaliseCode as normaliseUnitCode } from "../units/directory.ts";
import { hashSecret, newCode, newToken, normaliseCode, TOKEN_PATTERN } from "./tokens.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export type OfficerRole = "officer" | "lead";
export const OFFICER_ROLES: readonly OfficerRole[] = ["officer", "lead"];

export type Result<T, C extends string = string> = { ok: true; value: T } | { ok: false; code: C; message: string };

export interface UnitRef {
  id: string;
  code: string;
  name: string;
}

export interface IssuedInvitation {
  id: string;
  unit: UnitRef;
  role: OfficerRole;
  /** For links: Telegram `?start=o_<token>`, web chat `/chat?o=<token>`. Shown once. */
  token: string;
  /** To type in the Zalo chat ("CB-XXXXX-XXXXX"). Shown once. */
  code: string;
  expiresAt: Date;
}

export async function createInvitation(
  db: Queryable,
  input: { unitCode: string; role: OfficerRole; expiresInMs: number; createdBy: string; now: Date; actorKind?: "admin" | "officer" },
): Promise<Result<IssuedInvitation, "unit_not_found">> {
  const code = normaliseUnitCode(input.unitCode);
  const { rows: units } = await db.query<UnitRef>(`SELECT id, code, name FROM units WHERE code = $1`, [code]);
  const unit = units[0];
  if (!unit) return { ok: false, code: "unit_not_found", message: `no unit with code ${code}` };
  const token = newToken();
  const typed = newCode();
  const expiresAt = new Date(input.now.getTime() + input.expiresInMs);
  const { rows } = await db.query<{ id: string }>(
    `WITH i AS (
       INSERT INTO officer_invitations (unit_id, role, token_hash, code_hash, created_by, created_at, expires_at)
       VALUES ($1, $2::officer_role, $3, $4, $5, $6, $7) RETURNING id)
     INSERT INTO audit_log (at, actor_kind, actor_id, action, details)
     SELECT $6, $8, $5, 'officer.invite', jsonb_build_object('invitation', i.id, 'unit', $1::text, 'role', $2::text, 'expires_at', $7::timestamptz)
       FROM i RETURNING (details->>'invitation') AS id`,
    [unit.id, input.role, hashSecret(token), hashSecret(typed), input.createdBy, input.now, expiresAt, input.actorKind ?? "admin"],
  );
  return { ok: true, value: { id: rows[0]!.id, unit, role: input.role, token, code: typed, expiresAt } };
}

/** Where the officer accepts an invitation: a Telegram link (when the bot's username is known), a web chat link, the Zalo code. */
export function invitationLinks(i: Pick<IssuedInvitation, "token" | "code">, where: { telegramUsername?: string; publicBaseUrl: string }) {
  return {
    telegram: where.telegramUsername ? `https://t.me/${where.telegramUsername}?start=o_${i.token}` : null,
    telegramStartPayload: `o_${i.token}`,
    web: `${where.publicBaseUrl}/chat?o=${i.token}`,
    zaloCode: i.code,
  };
}

export type InvitationSecret = { token: string } | { code: string };

/** What a chat typed or opened, if it is an invitation secret: "o_<token>", a bare token, or a code. */
export function invitationSecretOf(text: string): InvitationSecret | undefined {
  const t = text.trim();
  const token = t.startsWith("o_") ? t.slice(2) : t;
  if (TOKEN_PATTERN.test(token)) return { token };
  const code = normaliseCode(t);
  return code ? { code } : undefined;
}

export interface AcceptedInvitation {
  officerId: string;
  unit: UnitRef;
  role: OfficerRole;
}

export type AcceptRefusal = "not_found" | "used" | "expired" | "revoked";

/**
 * Makes the person an active officer of the invitation's unit, once: the invitation is marked used in
 * the same statement. An active lead invited again as an officer stays a lead.
 */
export async function acceptInvitation(
  db: Queryable,
  input: { secret: InvitationSecret; personId: string; now: Date },
): Promise<Result<AcceptedInvitation, AcceptRefusal>> {
  const column = "token" in input.secret ? "token_hash" : "code_hash";
  const hash = hashSecret("token" in input.secret ? input.secret.token : input.secret.code);
  const { rows } = await db.query(
    `WITH inv AS (
       UPDATE officer_invitations SET used_at = $3, used_by_person_id = $2
        WHERE ${column} = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3
        RETURNING id, unit_id, role),
     o AS (
       INSERT INTO officers (person_id, unit_id, role, active) SELECT $2, unit_id, role, true FROM inv
       ON CONFLICT (person_id, unit_id) DO UPDATE SET active = true,
          role = CASE WHEN officers.active AND officers.role = 'lead' THEN officers.role ELSE EXCLUDED.role END
       RETURNING id, unit_id, role),
     a AS (
       INSERT INTO audit_log (at, actor_kind, actor_id, action, details)
       SELECT $3, 'officer', $2, 'officer.accept', jsonb_build_object('invitation', inv.id, 'unit', inv.unit_id, 'role', o.role)
         FROM inv, o)
     SELECT o.id AS officer_id, o.role, u.id, u.code, u.name FROM o JOIN units u ON u.id = o.unit_id`,
    [hash, input.personId, input.now],
  );
  const r = rows[0];
  if (r) return { ok: true, value: { officerId: r.officer_id, role: r.role, unit: { id: r.id, code: r.code, name: r.name } } };
  const { rows: found } = await db.query(
    `SELECT used_at, revoked_at, expires_at FROM officer_invitations WHERE ${column} = $1`,
    [hash],
  );
  const f = found[0];
  if (!f) return { ok: false, code: "not_found", message: "no such invitation" };
  if (f.revoked_at) return { ok: false, code: "revoked", message: "the invitation was revoked" };
  if (f.used_at) return { ok: false, code: "used", message: "the invitation was used already" };
  return { ok: false, code: "expired", message: `the invitation expired at ${(f.expires_at as Date).toISOString()}` };
}
