// A safety net: every few seconds, ask for delivery of any chat with a due row. Covers a process that
// died after committing but before enqueueing, Redis being down at that moment, and lost delayed jobs.
import type pg from "pg";
import type { Logger } from "pino";
import { ackJob, deliveryJob } from "./jobs.ts";
import type { DeliveryQueues } from "./notify.ts";
import { dueRecipients } from "./store.ts";

export function startSweeper(opts: {
  pool: pg.Pool;
  queues: DeliveryQueues;
  logger: Logger;
  intervalMs?: number;
}): { stop(): void } {
  let running = false;
  const intervalMs = opts.intervalMs ?? 5_000;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const [channel, queue] of opts.queues.messages) {
        // A job id of its own per sweep: the chat's usual job id may still be held by a job of a worker
        // that died (locked until BullMQ finds it stalled), and that must not hold up the recovery.
        const sweep = `sweep-${Math.floor(Date.now() / intervalMs)}`;
        const due = await dueRecipients(opts.pool, channel, 500);
        if (due.length > 0) await queue.addBulk(due.map((recipient) => deliveryJob({ channel, recipient }, 0, sweep)));
      }
      for (const [channel, queue] of opts.queues.acks) {
        const due = await dueRecipients(opts.pool, channel, 500, "ack");
        if (due.length > 0) await queue.addBulk(due.map((recipient) => ackJob({ channel, recipient })));
      }
    } catch (err) {
      opts.logger.warn({ err }, "outbox sweep failed; will retry");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
