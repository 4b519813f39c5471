// The fields of a Telegram update that we use (updates.ts), checked before the update reaches grammY
// and the pipeline. An update that fails can never be applied: it is answered 200 and dropped (logged
// and counted), so that Telegram stops delivering it again.
import { z } from "zod";
import { storableText } from "../../edge/drops.ts";

const int = z.int();
/** Telegram dates: Unix seconds, within what a timestamp can hold. */
const unixSeconds = z.int().min(1).max(2 ** 31 - 1);
const id = storableText(256).min(1);
const text = storableText(8_192);
const chat = z.object({ id: int, type: z.string() }).loose();

const message = z
  .object({
    message_id: int,
    date: unixSeconds,
    chat,
    text: text.optional(),
    photo: z.array(z.object({ file_id: id }).loose()).optional(),
    document: z.object({ file_id: id, file_name: text.optional() }).loose().optional(),
    contact: z.object({ phone_number: text, first_name: text.optional(), last_name: text.optional() }).loose().optional(),
  })
  .loose();

const callbackQuery = z
  .object({
    id,
    from: z.object({ id: int }).loose(),
    message: z.object({ chat }).loose().optional(),
    data: text.optional(),
  })
  .loose();

const chatMember = z
  .object({ chat, date: unixSeconds, new_chat_member: z.object({ status: z.string() }).loose() })
  .loose();

export const telegramUpdate = z
  .object({
    update_id: z.int().min(0),
    message: message.optional(),
    callback_query: callbackQuery.optional(),
    my_chat_member: chatMember.optional(),
  })
  .loose();

/** Why the update cannot be applied, or null when it can. */
export function telegramUpdateProblem(body: unknown): string | null {
  const parsed = telegramUpdate.safeParse(body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join(".") || "body"}: ${issue.message}`;
}
