// Typed job payloads and queue names, shared by the producers (pipeline, sweeper) and the worker.
import { createHash } from "node:crypto";
import type { ChannelName } from "../../bot/types.ts";

export interface DeliverJob {
  channel: ChannelName;
  recipient: string;
}

export const outboxQueueName = (channel: ChannelName) => `outbox-${channel}`;

/** BullMQ job ids may not contain ':' nor be all digits: hash the recipient into a safe id. */
export function deliverJobId(job: DeliverJob, suffix = ""): string {
  const h = createHash("sha1").update(job.recipient).digest("hex").slice(0, 20);
  return `d-${job.channel}-${h}${suffix ? `-${suffix}` : ""}`;
}

/**
 * A delivery job for one chat, for queue.add or queue.addBulk. Its id makes it idempotent while a job
 * with the same id waits; a suffix gives a job of its own (a retry at a time, a sweep).
 */
export function deliveryJob(job: DeliverJob, delayMs = 0, suffix = "") {
  return { name: "deliver", data: job, opts: { jobId: deliverJobId(job, suffix), delay: Math.max(0, Math.ceil(delayMs)) } };
}

/** The queue of the acknowledgement lane (Telegram's answerCallbackQuery): its own workers, no pacing. */
export const ackQueueName = (channel: ChannelName) => `outbox-ack-${channel}`;

/** An acknowledgement job: no fixed id, so a tap while another job of the chat runs is never dropped. */
export function ackJob(job: DeliverJob, delayMs = 0) {
  return { name: "ack", data: job, opts: { delay: Math.max(0, Math.ceil(delayMs)) } };
}
