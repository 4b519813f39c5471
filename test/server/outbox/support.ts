// Outbox rows put straight into the table, and a wait until they are settled, for delivery tests.
import { randomInt } from "node:crypto";
import type { Runtime } from "../../../server/runtime.ts";
import { insertOutbox } from "../../../server/outbox/store.ts";
import type { OutboxPayload } from "../../../server/outbox/types.ts";
import { requestDelivery } from "../../../server/outbox/worker.ts";
import { waitFor } from "../../support/processes.ts";

export const chatId = () => String(randomInt(1e6, 1e12));

/** Stores rows for one chat and asks the Telegram worker to deliver them; returns their ids. */
export async function enqueue(runtime: Runtime, recipient: string, items: (string | OutboxPayload)[]): Promise<string[]> {
  const ids = await insertOutbox(
    runtime.db.pool,
    items.map((item, i) => ({
      channel: "telegram" as const,
      recipient,
      payload: typeof item === "string" ? { kind: "message" as const, message: { text: item } } : item,
      idempotencyKey: `test:${recipient}:${i}:${randomInt(1e9)}`,
    })),
  );
  await requestDelivery(runtime.deliveries.get("telegram")!.queue, { channel: "telegram", recipient });
  return ids;
}

export interface SettledRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/** The rows once none is pending or sending, in id order. */
export async function settled(runtime: Runtime, ids: string[], timeoutMs = 30_000): Promise<SettledRow[]> {
  return waitFor(async () => {
    const { rows } = await runtime.db.pool.query<SettledRow>(
      `SELECT id::text, status, attempts, last_error FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    return rows.every((r) => r.status !== "pending" && r.status !== "sending") ? rows : undefined;
  }, timeoutMs, "outbox settled");
}
