// Shared zod schemas of the admin API (they become the OpenAPI document's components).
import { z } from "zod";
import { UNIT_KINDS } from "../units/tree.ts";
import { TARGET_GROUPS } from "../units/store.ts";

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const unitCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9_-]{2,32}$/, "2–32 letters, digits, '_' or '-'"));

export const unitKind = z.enum(UNIT_KINDS);
export const targetGroup = z.enum(TARGET_GROUPS);
export const year = z.coerce.number().int().min(2000).max(2100);

export const unitSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  kind: unitKind,
  parentCode: z.string().nullable(),
  area: z.string().nullable(),
  memberCount: z.number().int().nullable(),
});

export const treeUnitSchema = unitSchema.extend({ depth: z.number().int() });

export const targetSchema = z.object({
  year: z.number().int(),
  targetGroup,
  percent: z.number().int(),
  members: z.number().int().nullable(),
});
