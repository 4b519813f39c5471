// Zod building blocks shared by the set schema (schema.ts) and the question-type modules.
import { z } from "zod";

/** Ids end up in button payloads (Telegram allows 64 bytes), so they are short and plain. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const idSchema = z
  .string()
  .regex(ID_PATTERN, { error: "must be 1-64 characters: letters, digits, '_', '.', '-' (not starting with '_', '.', '-')" });

const nonBlank = (what: string) =>
  z.string().refine((s) => s.trim().length > 0, { error: `${what} must not be empty` });

export const localTextSchema = z.strictObject({
  vi: nonBlank("vi text"),
  en: nonBlank("en text").optional(),
});

export const pointsSchema = z.number().min(0);

export const answerValueSchema = z.union([z.string(), z.array(z.string()), z.number(), z.boolean()], {
  error: "must be a string, an array of strings, a number or a boolean",
});

const showIfEquals = z.strictObject({ question: idSchema, equals: answerValueSchema });
const showIfIn = z.strictObject({ question: idSchema, in: z.array(answerValueSchema).min(1) });

export const showIfSchema = z.union([showIfEquals, showIfIn], {
  error: "must be { question, equals } or { question, in: [...] }",
});

/** The fields every question type has; each type module extends it with `type` and its own fields. */
export const questionBaseShape = {
  id: idSchema,
  prompt: localTextSchema,
  help: localTextSchema.optional(),
  required: z.boolean().default(true),
  showIf: showIfSchema.optional(),
  evidence: z.boolean().optional(),
};

export const choiceOptionSchema = z.strictObject({
  id: idSchema,
  label: localTextSchema,
  points: pointsSchema,
});
