// Officers of units: who they are, their roles, deactivation, and how they want to hear of submissions.
import type pg from "pg";
import { personChannelsSql } from "../accounts/store.ts";
import { normaliseCode } from "../units/directory.ts";
import type { OfficerRole, Result, UnitRef } from "./invitations.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface OfficerListing {
  officerId: string;
  personId: string;
  fullName: string | null;
  unit: UnitRef;
  role: OfficerRole;
  active: boolean;
  channels: string[];
  since: Date;
}

export async function listOfficers(db: Queryable, filter: { unitCode?: string } = {}): Promise<Result<OfficerListing[], "unit_not_found">> {
  const unitCode = filter.unitCode === undefined ? null : normaliseCode(filter.unitCode);
  if (unitCode !== null) {
    const { rowCount } = await db.query(`SELECT 1 FROM units WHERE code = $1`, [unitCode]);
    if (rowCount === 0) return { ok: false, code: "unit_not_found", message: `no unit with code ${unitCode}` };
  }
  const { rows } = await db.query(
    `SELECT o.id, o.person_id, p.full_name, o.role, o.active, o.created_at, u.id AS unit_id, u.code, u.name,
            ${personChannelsSql("o.person_id")} AS channels
       FROM officers o JOIN units u ON u.id = o.unit_id JOIN people p ON p.id = o.person_id
      WHERE $1::text IS NULL OR u.code = $1
      ORDER BY u.code, o.active DESC, o.role DESC, p.full_name NULLS LAST, o.created_at`,
    [unitCode],
  );
  return {
    ok: true,
    value: rows.map((r) => ({
      officerId: r.id,
      personId: r.person_id,
      fullName: r.full_name,
      unit: { id: r.unit_id, code: r.code, name: r.name },
      role: r.role,
      active: r.active,
      channels: r.channels,
      since: r.created_at,
    })),
  };
}

export async function deactivateOfficer(
  db: Queryable,
  input: { officerId: string; by: string; now: Date; actorKind?: "admin" | "officer" },
): Promise<Result<{ unit: UnitRef; fullName: string | null }, "not_found" | "inactive">> {
  if (!/^[0-9a-f-]{36}$/i.test(input.officerId)) return { ok: false, code: "not_found", message: `no officer with id ${input.officerId}` };
  const { rows } = await db.query(
    `WITH d AS (UPDATE officers SET active = false WHERE id = $1 AND active RETURNING id, person_id, unit_id, role),
     a AS (INSERT INTO audit_log (at, actor_kind, actor_id, action, details)
           SELECT $3, $4, $2, 'officer.deactivate', jsonb_build_object('officer', d.id, 'person', d.person_id, 'unit', d.unit_id, 'role', d.role) FROM d)
     SELECT u.id, u.code, u.name, p.full_name FROM d JOIN units u ON u.id = d.unit_id JOIN people p ON p.id = d.person_id`,
    [input.officerId, input.by, input.now, input.actorKind ?? "admin"],
  );
  const r = rows[0];
  if (r) return { ok: true, value: { unit: { id: r.id, code: r.code, name: r.name }, fullName: r.full_name } };
  const { rowCount } = await db.query(`SELECT 1 FROM officers WHERE id = $1`, [input.officerId]);
  return rowCount
    ? { ok: false, code: "inactive", message: `officer ${input.officerId} is inactive already` }
    : { ok: false, code: "not_found", message: `no officer with id ${input.officerId}` };
}

/** One officer row's unit, or undefined (also for an id that is no uuid). */
export async function officerUnit(db: Queryable, officerId: string): Promise<UnitRef | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(officerId)) return undefined;
  const { rows } = await db.query(`SELECT u.id, u.code, u.name FROM officers o JOIN units u ON u.id = o.unit_id WHERE o.id = $1`, [officerId]);
  return rows[0] ? { id: rows[0].id, code: rows[0].code, name: rows[0].name } : undefined;
}

export interface OfficerRoleRow {
  officerId: string;
  unit: UnitRef;
  role: OfficerRole;
}

/** The person's active officer roles (none for a citizen only). */
export async function officerRoles(db: Queryable, personId: string): Promise<OfficerRoleRow[]> {
  const { rows } = await db.query(
    `SELECT o.id, o.role, u.id AS unit_id, u.code, u.name FROM officers o JOIN units u ON u.id = o.unit_id
      WHERE o.person_id = $1 AND o.active ORDER BY u.code`,
    [personId],
  );
  return rows.map((r) => ({ officerId: r.id, role: r.role, unit: { id: r.unit_id, code: r.code, name: r.name } }));
}

export type NoticeMode = "immediate" | "digest";

export interface NoticePreference {
  /** undefined: not chosen (immediate until the daily volume exceeds the setting). */
  mode?: NoticeMode;
  digestHour: number;
}

export async function noticePreference(db: Queryable, personId: string, defaults: { digestHour: number }): Promise<NoticePreference> {
  const { rows } = await db.query(`SELECT notice_mode, digest_hour FROM officer_preferences WHERE person_id = $1`, [personId]);
  const r = rows[0];
  return { ...(r?.notice_mode ? { mode: r.notice_mode } : {}), digestHour: r?.digest_hour ?? defaults.digestHour };
}

export async function setNoticePreference(
  db: Queryable,
  personId: string,
  change: { mode?: NoticeMode | null; digestHour?: number | null },
): Promise<void> {
  await db.query(
    `INSERT INTO officer_preferences (person_id, notice_mode, digest_hour) VALUES ($1, $2::notice_mode, $3)
     ON CONFLICT (person_id) DO UPDATE SET
       notice_mode = CASE WHEN $4 THEN EXCLUDED.notice_mode ELSE officer_preferences.notice_mode END,
       digest_hour = CASE WHEN $5 THEN EXCLUDED.digest_hour ELSE officer_preferences.digest_hour END,
       updated_at = now()`,
    [personId, change.mode ?? null, change.digestHour ?? null, change.mode !== undefined, change.digestHour !== undefined],
  );
}
