// Delivers the outbox of one channel: one BullMQ job per chat, strictly in order, at most
// sender.globalPerSecond messages per second across all processes and one per
// sender.perRecipientIntervalMs per chat; honours retry_after, backs off on transient failures, and
// never sends a row twice: a row is marked `sending` before the platform call, and a row found still
// `sending` by a later job (its worker died mid-send) becomes `uncertain` instead of being re-sent.
// Each holder of a chat's lock draws a fence; only the claimer of a row records its outcome, and a holder
// whose lock could not be extended stops. Before each send the chat's reachability is checked: a chat
// marked unreachable (blocked, unfollowed) has its remaining rows failed instead of sent.
// Button acknowledgements travel in a lane of their own (AckDelivery): at once, unpaced, unordered.
import { Queue, Worker, type Job } from "bullmq";
import type pg from "pg";
import type { Logger } from "pino";
import type { ChannelName } from "../../bot/types.ts";
import type { Redis } from "../redis.ts";
import { tryLock, type HeldLock } from "../redis-lock.ts";
import { AckDelivery } from "./acks.ts";
import { deliveryJob, outboxQueueName, type DeliverJob } from "./jobs.ts";
import * as store from "./store.ts";
import type { ChannelSender, SendResult } from "./types.ts";

type DrainOutcome = "empty" | "deferred" | "quota" | "lost";

export interface DeliveryOptions {
  pool: pg.Pool;
  /** A connection with maxRetriesPerRequest: null (BullMQ requirement). */
  redis: Redis;
  prefix: string;
  sender: ChannelSender;
  logger: Logger;
  concurrency?: number;
  maxAttempts?: number;
  /** Base of the exponential back-off for transient failures. */
  backoffBaseMs?: number;
  /** Waits shorter than this are slept inside the job; longer ones become a delayed job. */
  inlineWaitMs?: number;
  /** Rows one job delivers before it yields to other chats. */
  rowsPerJob?: number;
  /** How long a chat's lock outlives a dead worker (a row it left `sending` is then marked uncertain). */
  lockTtlMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function backoffDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}

export function createOutboxQueue(channel: ChannelName, redis: Redis, prefix: string): Queue<DeliverJob> {
  const queue = new Queue<DeliverJob>(outboxQueueName(channel), {
    connection: redis,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 5, backoff: { type: "exponential", delay: 1000 } },
  });
  // Connection errors while Redis is away: /readyz reports them and each failed enqueue is logged by
  // its caller; unhandled they would be printed once per reconnection attempt.
  queue.on("error", () => {});
  return queue;
}

/** Asks for delivery of a chat's pending rows (idempotent while a job for that chat is waiting). */
export async function requestDelivery(queue: Queue<DeliverJob>, job: DeliverJob, delayMs = 0, suffix = ""): Promise<void> {
  const { name, data, opts } = deliveryJob(job, delayMs, suffix);
  await queue.add(name, data, opts);
}

export class OutboxDelivery {
  readonly queue: Queue<DeliverJob>;
  readonly worker: Worker<DeliverJob>;
  readonly acks: AckDelivery;
  private readonly o: Required<Omit<DeliveryOptions, "pool" | "redis" | "sender" | "logger" | "prefix">> & DeliveryOptions;

  constructor(options: DeliveryOptions) {
    this.o = { concurrency: 25, maxAttempts: 8, backoffBaseMs: 2_000, inlineWaitMs: 1_500, rowsPerJob: 50, lockTtlMs: 60_000, ...options };
    const channel = options.sender.channel;
    this.queue = createOutboxQueue(channel, options.redis, options.prefix);
    this.worker = new Worker<DeliverJob>(outboxQueueName(channel), (job) => this.deliver(job), {
      connection: options.redis.duplicate(),
      prefix: options.prefix,
      concurrency: this.o.concurrency,
      autorun: true,
    });
    this.worker.on("error", (err) => options.logger.error({ err, channel }, "outbox worker error"));
    this.worker.on("failed", (job, err) => options.logger.warn({ err, channel, job: job?.id }, "delivery job failed"));
    this.acks = new AckDelivery(options);
  }

  private key(kind: string, ...parts: string[]): string {
    return [this.o.prefix, "outbox", kind, this.o.sender.channel, ...parts].join(":");
  }

  async close(): Promise<void> {
    await Promise.all([this.worker.close(), this.acks.close()]);
    await this.queue.close();
  }

  /** One chat: deliver its due rows in order while holding the chat's lock, then re-check. */
  private async deliver(job: Job<DeliverJob>): Promise<void> {
    const { recipient } = job.data;
    for (let round = 0; round < 3; round++) {
      const lock = await tryLock(this.o.redis, this.key("lock", recipient), this.o.lockTtlMs);
      // Another job holds this chat: it re-checks for new rows after releasing, so nothing is stranded.
      if (!lock) return;
      let outcome: DrainOutcome;
      try {
        outcome = await this.drain(recipient, lock, await store.drawFence(this.o.pool));
      } finally {
        await lock.release();
      }
      // lost: another holder has the chat now and re-checks it itself.
      if (outcome === "deferred" || outcome === "lost") return;
      if (outcome === "quota") break;
      // Rows committed while we held the lock were refused a lock by their own job: look once more.
      const next = await store.nextRow(this.o.pool, this.o.sender.channel, recipient);
      if (!next || next.nextAttemptAt.getTime() > Date.now()) return;
    }
    await requestDelivery(this.queue, job.data, 0, `more-${Date.now()}`);
  }

  /** empty: nothing left; deferred: a delayed job will come back; quota: this job's share is used. */
  private async drain(recipient: string, lock: HeldLock, fence: string): Promise<DrainOutcome> {
    const { pool, sender, logger } = this.o;
    const channel = sender.channel;
    for (let n = 0; n < this.o.rowsPerJob; n++) {
      const row = await store.nextRow(pool, channel, recipient);
      if (!row) return "empty";
      if (row.status === "sending") {
        // A worker died between claiming and recording this row: it may have been delivered.
        if (await store.markUncertain(pool, row.id, row.claimFence, fence, "worker stopped during the platform call")) {
          logger.warn({ channel, row: row.id }, "outbox row left in sending: marked uncertain, not re-sent");
          continue;
        }
        // Held by a claim of a later holder: this holder is the stale one.
        return "lost";
      }
      const wait = Math.max(row.nextAttemptAt.getTime() - Date.now(), await this.pauseLeft(), await this.pacingLeft(recipient));
      if (wait > this.o.inlineWaitMs) {
        await requestDelivery(this.queue, { channel, recipient }, wait, `at-${row.id}-${row.attempts}`);
        return "deferred";
      }
      if (wait > 0) await sleep(wait);
      if (!(await lock.extend(this.o.lockTtlMs))) {
        logger.warn({ channel, row: row.id }, "chat lock lost before sending: leaving the chat to its new holder");
        return "lost";
      }
      const info = await store.recipientInfo(pool, channel, recipient);
      if (!info.reachable) {
        const failed = await store.failUnreachable(pool, channel, recipient);
        logger.info({ channel, failed }, "chat unreachable: its remaining outbox rows failed, not sent");
        continue;
      }
      // The token as close to the platform call as the claim allows, so that little time passes between
      // being counted and reaching the platform.
      const token = await this.takeGlobalToken();
      // Refused when another worker changed the row or a later holder claimed in this chat.
      if (!(await store.markSending(pool, row.id, fence))) return "lost";
      let result: SendResult;
      try {
        result = await sender.send(recipient, row.payload, info, row.partsSent);
      } catch (error) {
        result = { ok: false, retry: "backoff", reason: `sender threw: ${(error as Error).message}` };
      }
      await this.sendFinished(token);
      await this.o.redis.set(this.key("last", recipient), String(Date.now()), "PX", 60_000);
      if (result.ok) {
        await store.markSent(pool, row.id, fence, result.platformMessageId);
        continue;
      }
      if (result.retry === "never") {
        // The account first: whoever sees the row failed also sees why the chat is unreachable.
        if (result.unreachable) await store.markUnreachable(pool, channel, recipient, result.reason);
        await store.markFailed(pool, row.id, fence, result.reason);
        logger.info({ channel, row: row.id, reason: result.reason }, "outbox row not deliverable");
        continue;
      }
      let delay: number;
      if (result.retry === "after") {
        delay = result.delayMs;
        if (result.scope === "channel") {
          await this.o.redis.set(this.key("pause"), String(Date.now() + delay), "PX", Math.max(1, Math.ceil(delay)));
        }
      } else if (row.attempts + 1 >= this.o.maxAttempts) {
        await store.markFailed(pool, row.id, fence, `gave up after ${row.attempts + 1} attempts: ${result.reason}`);
        logger.error({ channel, row: row.id, reason: result.reason }, "outbox row failed for good");
        continue;
      } else {
        delay = backoffDelay(row.attempts + 1, this.o.backoffBaseMs);
      }
      await store.markRetry(pool, row.id, fence, delay, result.reason, result.partsSent);
      await requestDelivery(this.queue, { channel, recipient }, delay, `at-${row.id}-${row.attempts + 1}`);
      return "deferred";
    }
    return "quota";
  }

  private async pauseLeft(): Promise<number> {
    const until = Number(await this.o.redis.get(this.key("pause")));
    return until ? until - Date.now() : 0;
  }

  private async pacingLeft(recipient: string): Promise<number> {
    const last = Number(await this.o.redis.get(this.key("last", recipient)));
    return last ? last + this.o.sender.perRecipientIntervalMs - Date.now() : 0;
  }

  /**
   * A sliding one-second log of sends shared by every process, checked right before each platform
   * call: at most globalPerSecond sends in any window. The window is 10% longer than a second, and each
   * send is logged again at the time its call finished (sendFinished), which is never before the platform
   * received it: however slow one call was, the platform never sees one more than the limit within its
   * own second. Returns the send's entry in the log.
   */
  private async takeGlobalToken(): Promise<string> {
    const key = this.key("sends");
    for (;;) {
      const member = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
      const wait = Number(
        await this.o.redis.eval(SLIDING_WINDOW, 1, key, String(Date.now()), String(GLOBAL_WINDOW_MS), String(this.o.sender.globalPerSecond), member),
      );
      if (wait <= 0) return member;
      await sleep(wait);
    }
  }

  private async sendFinished(member: string): Promise<void> {
    const key = this.key("sends");
    await this.o.redis.multi().zadd(key, Date.now(), member).pexpire(key, GLOBAL_WINDOW_MS * 2).exec();
  }
}

const GLOBAL_WINDOW_MS = 1_100;

/** KEYS[1]: sorted set of send times. Admits one send now (returns 0) or says how long to wait. */
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call("zremrangebyscore", KEYS[1], "-inf", now - window)
if redis.call("zcard", KEYS[1]) < limit then
  redis.call("zadd", KEYS[1], now, ARGV[4])
  redis.call("pexpire", KEYS[1], window * 2)
  return 0
end
local oldest = redis.call("zrange", KEYS[1], 0, 0, "WITHSCORES")
return math.max(1, tonumber(oldest[2]) + window - now + 1)
`;
