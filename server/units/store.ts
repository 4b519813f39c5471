// The units table and its targets (unit_targets): every SQL statement about units lives here.
import type pg from "pg";
import { AppError } from "../errors.ts";
import { mayBeUnder, type UnitKind } from "./tree.ts";

export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  parentCode: string | null;
  area: string | null;
  memberCount: number | null;
}

const UNIT_COLUMNS = `u.id, u.code, u.name, u.kind::text AS kind, u.parent_id AS "parentId", p.code AS "parentCode",
  u.area, u.member_count AS "memberCount"`;

/** Serialises changes to the tree's shape (moves, imports), so that two moves cannot build a cycle. */
const TREE_LOCK = 72707401;
export async function lockTree(client: pg.PoolClient): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock($1)`, [TREE_LOCK]);
}

export async function allUnits(db: Queryable): Promise<UnitRow[]> {
  const { rows } = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code`);
  return rows;
}

export async function unitByCode(db: Queryable, code: string): Promise<UnitRow | undefined> {
  const { rows } = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = $1`, [code]);
  return rows[0];
}

export async function unitsByIds(db: Queryable, ids: string[]): Promise<UnitRow[]> {
  const { rows } = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ANY($1::uuid[]) ORDER BY u.code`, [ids]);
  return rows;
}

/** The units at and below the given ones. */
export async function subtreeIds(db: Queryable, rootIds: string[]): Promise<string[]> {
  if (rootIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE sub AS (
       SELECT id FROM units WHERE id = ANY($1::uuid[])
       UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
     SELECT id FROM sub`,
    [rootIds],
  );
  return rows.map((r) => r.id);
}

/** The units an officer (a person) is active officer of. */
export async function officerUnitIds(db: Queryable, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ unit_id: string }>(`SELECT unit_id FROM officers WHERE person_id = $1 AND active`, [personId]);
  return rows.map((r) => r.unit_id);
}

export interface UnitInput {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode?: string | null;
  area?: string | null;
  memberCount?: number | null;
}

async function parentFor(db: Queryable, kind: UnitKind, parentCode: string | null | undefined): Promise<UnitRow | undefined> {
  if (!parentCode) return undefined;
  const parent = await unitByCode(db, parentCode);
  if (!parent) throw new AppError(422, "parent_not_found", `No unit with code ${parentCode} (parent).`);
  if (!mayBeUnder(kind, parent.kind)) {
    throw new AppError(422, "kind_not_allowed", `A unit of kind ${kind} cannot be placed under a ${parent.kind} (${parent.code}).`);
  }
  return parent;
}

export async function createUnit(db: Queryable, input: UnitInput): Promise<UnitRow> {
  const parent = await parentFor(db, input.kind, input.parentCode);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO units (code, name, kind, parent_id, area, member_count) VALUES ($1, $2, $3::unit_kind, $4, $5, $6)
     ON CONFLICT (code) DO NOTHING RETURNING id`,
    [input.code, input.name, input.kind, parent?.id ?? null, input.area ?? null, input.memberCount ?? null],
  );
  if (!rows[0]) throw new AppError(409, "code_taken", `A unit with code ${input.code} exists already.`);
  return (await unitByCode(db, input.code))!;
}

export interface UnitChanges {
  name?: string;
  kind?: UnitKind;
  area?: string | null;
  memberCount?: number | null;
}

/** Edits a unit's own fields; a changed kind must still fit under its parent and above its children. */
export async function updateUnit(db: Queryable, unit: UnitRow, changes: UnitChanges): Promise<UnitRow> {
  if (changes.kind && changes.kind !== unit.kind) {
    if (unit.parentCode) {
      const parent = (await unitByCode(db, unit.parentCode))!;
      if (!mayBeUnder(changes.kind, parent.kind)) {
        throw new AppError(422, "kind_not_allowed", `A unit of kind ${changes.kind} cannot be placed under a ${parent.kind} (${parent.code}).`);
      }
    }
    const { rows } = await db.query<{ code: string; kind: UnitKind }>(`SELECT code, kind::text AS kind FROM units WHERE parent_id = $1`, [unit.id]);
    const misfit = rows.find((c) => !mayBeUnder(c.kind, changes.kind!));
    if (misfit) {
      throw new AppError(422, "kind_not_allowed", `${misfit.code} (${misfit.kind}) could no longer stay under a ${changes.kind}.`);
    }
  }
  await db.query(
    `UPDATE units SET name = COALESCE($2, name), kind = COALESCE($3::unit_kind, kind),
        area = CASE WHEN $4 THEN $5 ELSE area END, member_count = CASE WHEN $6 THEN $7::int ELSE member_count END,
        updated_at = now()
      WHERE id = $1`,
    [unit.id, changes.name ?? null, changes.kind ?? null, changes.area !== undefined, changes.area ?? null, changes.memberCount !== undefined, changes.memberCount ?? null],
  );
  return (await unitByCode(db, unit.code))!;
}

/** Moves a unit under another (or to the top); refuses a move under itself or its own descendants. */
export async function moveUnit(client: pg.PoolClient, unit: UnitRow, parentCode: string | null): Promise<UnitRow> {
  await lockTree(client);
  const parent = await parentFor(client, unit.kind, parentCode);
  if (parent) {
    const below = await subtreeIds(client, [unit.id]);
    if (below.includes(parent.id)) {
      throw new AppError(422, "cycle", `${parent.code} is ${unit.code} itself or below it; a unit cannot move under its own subtree.`);
    }
  }
  await client.query(`UPDATE units SET parent_id = $2, updated_at = now() WHERE id = $1`, [unit.id, parent?.id ?? null]);
  return (await unitByCode(client, unit.code))!;
}

export const TARGET_GROUPS = ["worker", "public_servant", "student", "resident"] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export interface TargetRow {
  year: number;
  targetGroup: TargetGroup;
  percent: number;
  members: number | null;
}

export async function targetsOf(db: Queryable, unitId: string, year?: number): Promise<TargetRow[]> {
  const { rows } = await db.query<TargetRow>(
    `SELECT year, target_group::text AS "targetGroup", percent, members FROM unit_targets
      WHERE unit_id = $1 AND ($2::int IS NULL OR year = $2) ORDER BY year, target_group`,
    [unitId, year ?? null],
  );
  return rows;
}

/** Sets targets (insert or replace per year and target group); percent null removes one. */
export async function setTargets(db: Queryable, unitId: string, targets: { year: number; targetGroup: TargetGroup; percent: number | null; members?: number | null }[]): Promise<void> {
  for (const t of targets) {
    if (t.percent === null) {
      await db.query(`DELETE FROM unit_targets WHERE unit_id = $1 AND year = $2 AND target_group = $3::target_group`, [unitId, t.year, t.targetGroup]);
      continue;
    }
    await db.query(
      `INSERT INTO unit_targets (unit_id, year, target_group, percent, members) VALUES ($1, $2, $3::target_group, $4, $5)
       ON CONFLICT (unit_id, year, target_group) DO UPDATE SET percent = EXCLUDED.percent, members = EXCLUDED.members, updated_at = now()`,
      [unitId, t.year, t.targetGroup, t.percent, t.members ?? null],
    );
  }
}
