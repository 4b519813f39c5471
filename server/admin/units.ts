// Unit administration shared by the admin CLI and (later) the admin API: validated input, clear errors.
import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { normaliseCode } from "../units/directory.ts";

export const UNIT_KINDS = ["agency", "enterprise", "school", "commune", "village"] as const;

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
  target: z.coerce.number().int().min(0).max(100).optional(),
});
export type NewUnit = z.input<typeof newUnitSchema>;

export type AdminResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export async function addUnit(prisma: PrismaClient, input: Partial<Record<keyof NewUnit, unknown>>): Promise<AdminResult<{ id: string; code: string }>> {
  const parsed = newUnitSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, code: "invalid", message: parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ") };
  }
  const u = parsed.data;
  let parentId: string | undefined;
  if (u.parent) {
    const parent = await prisma.unit.findUnique({ where: { code: u.parent } });
    if (!parent) return { ok: false, code: "parent_not_found", message: `no unit with code ${u.parent} (--parent)` };
    parentId = parent.id;
  }
  const existing = await prisma.unit.findUnique({ where: { code: u.code } });
  if (existing) return { ok: false, code: "code_taken", message: `a unit with code ${u.code} exists already (${existing.name})` };
  const unit = await prisma.unit.create({
    data: { code: u.code, name: u.name, kind: u.kind, parentId, area: u.area, memberCount: u.members, targetPercent: u.target },
  });
  return { ok: true, value: { id: unit.id, code: unit.code } };
}

export async function listUnits(prisma: PrismaClient) {
  return prisma.unit.findMany({ orderBy: { code: "asc" }, include: { parent: { select: { code: true } } } });
}
