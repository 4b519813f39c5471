// The acknowledgement lane: a tapped button's answer (Telegram's answerCallbackQuery) is not a chat
// message. Telegram accepts it only for a short time and the citizen sees a spinner until then, so it is
// sent at once by workers of its own: not behind the chat's earlier messages, not paced per chat, and not
// counted against the global message budget. Rows are claimed under a fence with a lease (a row whose
// claimer died is marked "uncertain" when the lease ends), so none is sent twice.
import { Queue, Worker } from "bullmq";
import type pg from "pg";
import type { Logger } from "pino";
import type { ChannelName } from "../../bot/types.ts";
import { ownConnectionWorker, type Redis } from "../redis.ts";
import { ackJob, ackQueueName, type DeliverJob } from "./jobs.ts";
import * as store from "./store.ts";
import type { ChannelSender, SendResult } from "./types.ts";

/** How long a claimed acknowledgement may stay `sending` before a later job calls it uncertain. */
const LEASE_MS = 30_000;
/** Acknowledgements expire within seconds: a few quick retries, then give up. */
const MAX_ATTEMPTS = 3;
const MAX_RETRY_DELAY_MS = 2_000;

export function createAckQueue(channel: ChannelName, redis: Redis, prefix: string): Queue<DeliverJob> {
  const queue = new Queue<DeliverJob>(ackQueueName(channel), {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: "fixed", delay: 500 } },
  });
  // Connection errors while Redis is away: /readyz reports them and each failed enqueue is logged by
  // its caller; unhandled they would be printed once per reconnection attempt.
  queue.on("error", () => {});
  return queue;
}

export async function requestAck(queue: Queue<DeliverJob>, job: DeliverJob, delayMs = 0): Promise<void> {
  const { name, data, opts } = ackJob(job, delayMs);
  await queue.add(name, data, opts);
}

export class AckDelivery {
  readonly queue: Queue<DeliverJob>;
  readonly worker: Worker<DeliverJob>;

  constructor(private readonly o: { pool: pg.Pool; redis: Redis; prefix: string; sender: ChannelSender; logger: Logger }) {
    const channel = o.sender.channel;
    this.queue = createAckQueue(channel, o.redis, o.prefix);
    this.worker = ownConnectionWorker<DeliverJob>(ackQueueName(channel), (job) => this.deliver(job.data.recipient), o.redis, {
      prefix: o.prefix,
      concurrency: 50,
      autorun: true,
    });
    this.worker.on("error", (err) => o.logger.error({ err, channel }, "acknowledgement worker error"));
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }

  private async deliver(recipient: string): Promise<void> {
    const { pool, sender, logger } = this.o;
    const channel = sender.channel;
    const { fence, rows } = await store.claimAcks(pool, channel, recipient, LEASE_MS);
    if (rows.length === 0) return;
    const info = await store.recipientInfo(pool, channel, recipient);
    await Promise.all(
      rows.map(async (row) => {
        let result: SendResult;
        try {
          result = await sender.send(recipient, row.payload, info);
        } catch (error) {
          result = { ok: false, retry: "backoff", reason: `sender threw: ${(error as Error).message}` };
        }
        if (result.ok) return store.markSent(pool, row.id, fence, result.platformMessageId);
        if (result.retry === "never" || row.attempts >= MAX_ATTEMPTS) {
          logger.info({ channel, row: row.id, reason: result.reason }, "button acknowledgement not delivered");
          return store.markFailed(pool, row.id, fence, result.reason);
        }
        const delay = Math.min(result.retry === "after" ? result.delayMs : 250 * 2 ** row.attempts, MAX_RETRY_DELAY_MS);
        await store.markRetry(pool, row.id, fence, delay, result.reason);
        await requestAck(this.queue, { channel, recipient }, delay);
      }),
    );
  }
}
