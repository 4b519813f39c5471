// A safety net, run as a scheduled task (server/schedule/scheduler.ts: once per deployment, every few
// seconds): ask for delivery of any chat with a due row. Covers a process that died after committing
// but before enqueueing, Redis being down at that moment, and lost delayed jobs.
import type pg from "pg";
import { ackJob, deliveryJob } from "./jobs.ts";
import type { DeliveryQueues } from "./notify.ts";
import { dueRecipients } from "./store.ts";

export async function sweepOnce(opts: {
  pool: pg.Pool;
  queues: DeliveryQueues;
  /** Names this sweep's jobs (the scheduler's firing time). */
  sweepId: string;
}): Promise<void> {
  for (const [channel, queue] of opts.queues.messages) {
    // A job id of its own per sweep: the chat's usual job id may still be held by a job of a worker
    // that died (locked until BullMQ finds it stalled), and that must not hold up the recovery.
    const due = await dueRecipients(opts.pool, channel, 500);
    if (due.length > 0) await queue.addBulk(due.map((recipient) => deliveryJob({ channel, recipient }, 0, `sweep-${opts.sweepId}`)));
  }
  // Bulk chats keep their usual job id: a campaign's chats all have a job waiting, and a sweep must not
  // add a second one for each of them every few seconds.
  for (const [channel, queue] of opts.queues.bulk) {
    const due = await dueRecipients(opts.pool, channel, 500, "bulk");
    if (due.length > 0) await queue.addBulk(due.map((recipient) => deliveryJob({ channel, recipient })));
  }
  for (const [channel, queue] of opts.queues.acks) {
    const due = await dueRecipients(opts.pool, channel, 500, "ack");
    if (due.length > 0) await queue.addBulk(due.map((recipient) => ackJob({ channel, recipient })));
  }
}
