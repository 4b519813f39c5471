// A message longer than a platform allows goes out as several parts, in order. Parts an earlier attempt
// delivered (stored with the outbox row) are skipped, and a retryable failure reports how far it got,
// so no part reaches the citizen twice, whichever process retries.
import type { PartsSent, SendResult } from "./types.ts";

export async function sendInParts<P>(
  parts: readonly P[],
  done: PartsSent | undefined,
  sendOne: (part: P) => Promise<string>,
  classify: (error: unknown) => SendResult,
): Promise<SendResult> {
  let index = Math.min(done?.count ?? 0, parts.length);
  let lastId = done?.lastId ?? "";
  try {
    for (; index < parts.length; index++) lastId = await sendOne(parts[index]!);
    return { ok: true, platformMessageId: lastId };
  } catch (error) {
    const result = classify(error);
    if (result.ok || result.retry === "never" || index === 0) return result;
    return { ...result, partsSent: { count: index, lastId } };
  }
}
