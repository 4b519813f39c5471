// Unit administration of the admin CLI: validated input, clear errors, the same rules and store as the
// admin API (server/units/store.ts), audited as the CLI.
import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "../audit/store.ts";
import { AppError } from "../errors.ts";
import { normaliseCode } from "../units/directory.ts";
import { allUnits, createUnit } from "../units/store.ts";
import { UNIT_KINDS } from "../units/tree.ts";

export { UNIT_KINDS };

export const newUnitSchema = z.object({
  code: z
    .string()
    .transform(normaliseCode)
    .pipe(z.string().regex(/^[A-Z0-9_-]{2,32}$/, "2–32 letters, digits, '_' or '-'")),
  name: z.string().trim().min(2, "at least 2 characters").max(200, "at most 200 characters"),
  kind: z.enum(UNIT_KINDS, { message: `one of ${UNIT_KINDS.join(", ")}` }),
  parent: z.string().transform(normaliseCode).optional(),
  area: z.string().trim().max(200).optional(),
  members: z.coerce.number().int().min(0).max(10_000_000).optional(),
});
export type NewUnit = z.input<typeof newUnitSchema>;

export type AdminResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export async function addUnit(pool: pg.Pool, input: Partial<Record<keyof NewUnit, unknown>>): Promise<AdminResult<{ id: string; code: string }>> {
  const parsed = newUnitSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, code: "invalid", message: parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ") };
  }
  const u = parsed.data;
  try {
    const unit = await createUnit(pool, { code: u.code, name: u.name, kind: u.kind, parentCode: u.parent, area: u.area, memberCount: u.members });
    await recordAudit(pool, { kind: "cli" }, "unit.create", { code: unit.code, unit });
    return { ok: true, value: { id: unit.id, code: unit.code } };
  } catch (error) {
    if (error instanceof AppError) {
      const message = error.code === "parent_not_found" ? `no unit with code ${u.parent} (--parent)` : error.code === "code_taken" ? `a unit with code ${u.code} exists already` : error.message;
      return { ok: false, code: error.code, message };
    }
    throw error;
  }
}

export const listUnits = (pool: pg.Pool) => allUnits(pool);
