// What the page may send, validated before anything is counted as a conversation event. Every problem
// has its own error code, so the page (and a developer) knows what to fix.
import { z } from "zod";
import { AppError } from "../../errors.ts";
import { MAX_BUTTON_DATA_BYTES } from "../../../bot/engine/index.ts";
import { isStorable } from "../../edge/drops.ts";

export const MAX_TEXT_CHARS = 500;
export const MAX_UNIT_CODE_CHARS = 32;

export const clientEventId = z
  .string({ message: "clientEventId: required, 8–64 of A-Z a-z 0-9 _ -" })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "clientEventId: 8–64 of A-Z a-z 0-9 _ -");

const text = z
  .string({ message: "text: required for type text" })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "text: empty after removing spaces")
      .refine(isStorable, "text: contains a NUL character or a broken surrogate")
      .refine((s) => Array.from(s).length <= MAX_TEXT_CHARS, `text: at most ${MAX_TEXT_CHARS} characters`),
  );

const data = z
  .string({ message: "data: required for type button" })
  .min(1, "data: empty")
  .refine(isStorable, "data: contains a NUL character or a broken surrogate")
  .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_BUTTON_DATA_BYTES, `data: at most ${MAX_BUTTON_DATA_BYTES} bytes`);

const unit = z
  .string({ message: "unit: must be a string" })
  .regex(new RegExp(`^[A-Za-z0-9_-]{1,${MAX_UNIT_CODE_CHARS}}$`), `unit: 1–${MAX_UNIT_CODE_CHARS} of A-Z a-z 0-9 _ -`);

/** An officer invitation's link token (/chat?o=<token>). */
const invite = z.string({ message: "invite: must be a string" }).regex(/^[A-Za-z0-9_-]{32}$/, "invite: 32 of A-Z a-z 0-9 _ -");

export const eventBody = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ clientEventId, type: z.literal("text"), text }),
    z.strictObject({
      clientEventId,
      type: z.literal("button"),
      data,
      // The id of the message whose button was tapped (the page knows it): a tick re-renders it in place.
      messageId: z.string().regex(/^[1-9][0-9]{0,18}$/, "messageId: the id of a shown message").optional(),
    }),
    z.strictObject({ clientEventId, type: z.literal("start"), unit: unit.optional(), invite: invite.optional() }),
  ],
  { error: () => ({ message: 'type: one of "text", "button", "start"' }) },
);
export type EventBody = z.infer<typeof eventBody>;

export const messagesQuery = z.strictObject({
  after: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,18})$/, "after: the id of the last message seen, or 0")
    // An id PostgreSQL's bigint holds (zod runs this even when the pattern failed: test it again).
    .refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= 9_223_372_036_854_775_807n, "after: the id of the last message seen, or 0")
    .default("0"),
  wait: z.enum(["0", "1"], { message: "wait: 0 or 1" }).default("0"),
});

export const evidenceQuery = z.strictObject({ clientEventId });

/** The code of the first problem, named after the field at fault. */
const CODES: Record<string, string> = {
  clientEventId: "invalid_client_event_id",
  type: "invalid_type",
  text: "invalid_text",
  data: "invalid_button_data",
  unit: "invalid_unit",
  invite: "invalid_invite",
  after: "invalid_after",
  messageId: "invalid_message_id",
  wait: "invalid_wait",
};

export function problemOf(error: z.ZodError): { code: string; message: string } {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  if (issue.code === "unrecognized_keys") {
    return { code: "unknown_field", message: `unknown field(s): ${issue.keys.join(", ")}` };
  }
  return { code: CODES[field] ?? "invalid_body", message: issue.message };
}

/** The parsed value, or a 400 AppError naming the first problem (its field's code and message). */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const p = problemOf(parsed.error);
  throw new AppError(400, p.code, p.message);
}
