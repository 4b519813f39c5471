// Delivers the outbox of one channel: one BullMQ job per chat, at most sender.globalPerSecond messages
// per second across all processes (SendBudget) and one per sender.perRecipientIntervalMs per chat;
// honours retry_after, backs off on transient failures, and never sends a row twice: a row is marked
// `sending` before the platform call, and a row found still `sending` by a later job (its worker died
// mid-send) becomes `uncertain` instead of being re-sent – unless the sender is idempotent (web chat),
// where it is sent again.
// Lanes: reply before notice before bulk. Reply and notice rows are delivered by the chat's job in the
// main queue (a notice job is prioritised after every reply job); bulk rows by jobs of a queue of
// their own, with few workers, on the budget the other lanes leave (with a reserved share). In one
// chat, rows go out reply first, then notice, then bulk, in id order within a lane; a job that finds
// the chat's next row belongs to the other queue hands the chat over to it.
// Each holder of a chat's lock draws a fence; only the claimer of a row records its outcome, and a holder
// whose lock could not be extended stops. Before each send the chat's reachability is checked: a chat
// marked unreachable (blocked, unfollowed) has its remaining rows failed instead of sent.
// Button acknowledgements travel in a lane of their own (AckDelivery): at once, unpaced, unordered.
// A sender that can combine messages (Zalo: one answer's messages in one platform message, billed once)
// gets the row's companions – the same reply, due now – and the worker records them all alike.
import { Queue, Worker, type Job } from "bullmq";
import type pg from "pg";
import type { Logger } from "pino";
import type { ChannelName } from "../../bot/types.ts";
import { ownConnectionWorker, type Redis } from "../redis.ts";
import { tryLockOrKnock, type KnockedLock } from "../redis-lock.ts";
import { AckDelivery } from "./acks.ts";
import { announceDelivered } from "./announce.ts";
import { SendBudget, type BudgetLane } from "./budget.ts";
import { bulkQueueName, deliveryJob, outboxQueueName, type DeliverJob } from "./jobs.ts";
import * as store from "./store.ts";
import type { ChannelSender, OutboxPayload, SendResult } from "./types.ts";

type DrainOutcome = "empty" | "deferred" | "quota" | "lost" | "handover";
type Group = BudgetLane;

export interface DeliveryOptions {
  pool: pg.Pool;
  /** A connection with maxRetriesPerRequest: null (BullMQ requirement). */
  redis: Redis;
  prefix: string;
  sender: ChannelSender;
  logger: Logger;
  concurrency?: number;
  /** Workers of the bulk queue per process (each waits on round trips more than on tokens). */
  bulkConcurrency?: number;
  /** Share of the channel's budget reserved for bulk while it waits (default 0.1). */
  bulkReserveShare?: number;
  /** The campaigns' pace on this channel: bulk sends per second at most (0: only the budget bounds bulk). */
  bulkPerSecond?: number;
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
const groupOf = (row: store.OutboxRow): Group => (row.lane === "bulk" ? "bulk" : "high");
/** Marks a row held until the citizen writes again (its last_error starts with it). */
const AWAITING_CITIZEN = "awaiting the citizen: ";
/** At most this many rows travel in one combined message. */
const MAX_COMBINED = 8;

export function backoffDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}

const QUEUE_DEFAULTS = { removeOnComplete: true, removeOnFail: true, attempts: 5, backoff: { type: "exponential", delay: 1000 } };

export function createOutboxQueue(channel: ChannelName, redis: Redis, prefix: string): Queue<DeliverJob> {
  return quietQueue(new Queue<DeliverJob>(outboxQueueName(channel), { connection: redis, prefix, defaultJobOptions: QUEUE_DEFAULTS }));
}

export function createBulkQueue(channel: ChannelName, redis: Redis, prefix: string): Queue<DeliverJob> {
  return quietQueue(new Queue<DeliverJob>(bulkQueueName(channel), { connection: redis, prefix, defaultJobOptions: QUEUE_DEFAULTS }));
}

/**
 * Connection errors while Redis is away: /readyz reports them and each failed enqueue is logged by its
 * caller; unhandled they would be printed once per reconnection attempt.
 */
function quietQueue(queue: Queue<DeliverJob>): Queue<DeliverJob> {
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
  readonly bulkQueue: Queue<DeliverJob>;
  readonly worker: Worker<DeliverJob>;
  readonly bulkWorker: Worker<DeliverJob>;
  readonly acks: AckDelivery;
  private readonly budget: SendBudget;
  private readonly fast: Redis;
  private readonly o: Required<Omit<DeliveryOptions, "pool" | "redis" | "sender" | "logger" | "prefix">> & DeliveryOptions;

  constructor(options: DeliveryOptions) {
    this.o = {
      concurrency: 25,
      // Each bulk message is about a dozen sequential PostgreSQL and Redis round trips: at 200/s under
      // load 4 workers delivered 50–75/s (bench:broadcast drain), 16 about twice that.
      bulkConcurrency: 16,
      bulkReserveShare: 0.1,
      bulkPerSecond: 0,
      maxAttempts: 8,
      backoffBaseMs: 2_000,
      inlineWaitMs: 1_500,
      rowsPerJob: 50,
      lockTtlMs: 60_000,
      ...options,
    };
    const channel = options.sender.channel;
    // The chat locks, the send budget and the pacing keys: many small commands from all the workers at
    // once, on a connection of their own that sends those issued together in one write.
    this.fast = options.redis.duplicate({ enableAutoPipelining: true });
    this.queue = createOutboxQueue(channel, options.redis, options.prefix);
    this.bulkQueue = createBulkQueue(channel, options.redis, options.prefix);
    const worker = (name: string, group: Group, concurrency: number) => {
      const w = ownConnectionWorker<DeliverJob>(name, (job) => this.deliver(job, group), options.redis, { prefix: options.prefix, concurrency, autorun: true });
      w.on("error", (err) => options.logger.error({ err, channel, group }, "outbox worker error"));
      w.on("failed", (job, err) => options.logger.warn({ err, channel, group, job: job?.id }, "delivery job failed"));
      return w;
    };
    this.worker = worker(outboxQueueName(channel), "high", this.o.concurrency);
    this.bulkWorker = worker(bulkQueueName(channel), "bulk", this.o.bulkConcurrency);
    this.acks = new AckDelivery(options);
    this.budget = new SendBudget({
      redis: this.fast,
      key: this.key("budget"),
      limit: options.sender.globalPerSecond,
      bulkReserveShare: this.o.bulkReserveShare,
      ...(this.o.bulkPerSecond > 0 ? { bulkPerSecond: this.o.bulkPerSecond } : {}),
    });
  }

  private key(kind: string, ...parts: string[]): string {
    return [this.o.prefix, "outbox", kind, this.o.sender.channel, ...parts].join(":");
  }

  private queueOf(group: Group): Queue<DeliverJob> {
    return group === "bulk" ? this.bulkQueue : this.queue;
  }

  async close(): Promise<void> {
    await Promise.all([this.worker.close(), this.bulkWorker.close(), this.acks.close()]);
    await Promise.all([this.queue.close(), this.bulkQueue.close()]);
    this.fast.disconnect();
  }

  /** One chat: deliver its due rows of this group while holding the chat's lock, then re-check. */
  private async deliver(job: Job<DeliverJob>, group: Group): Promise<void> {
    const { recipient } = job.data;
    for (let round = 0; round < 3; round++) {
      const lock = await tryLockOrKnock(this.fast, this.key("lock", recipient), this.o.lockTtlMs);
      // Another job holds this chat: this one knocked, so the holder looks again after releasing.
      if (!lock) return;
      let outcome: DrainOutcome;
      let knocked = true;
      try {
        outcome = await this.drain(recipient, lock, group);
      } finally {
        knocked = (await lock.release()).knocked;
      }
      // lost: another holder has the chat now and re-checks it itself.
      if (outcome === "deferred" || outcome === "lost") return;
      if (outcome === "quota") break;
      // Nothing left when last read, and no job came for a row committed since: done.
      if (outcome === "empty" && !knocked) return;
      // Rows committed while we held the lock were refused a lock by their own job: look once more.
      const next = await store.nextRow(this.o.pool, this.o.sender.channel, recipient);
      if (!next) return;
      if (groupOf(next) !== group) {
        // The chat's next row is the other queue's: a reply that came in during a campaign message, or
        // the campaign message once the replies are out.
        await requestDelivery(this.queueOf(groupOf(next)), job.data, Math.max(0, next.nextAttemptAt.getTime() - Date.now()), `to-${next.id}`);
        return;
      }
      if (next.nextAttemptAt.getTime() > Date.now()) return;
    }
    await requestDelivery(this.queueOf(group), job.data, 0, `more-${Date.now()}`);
  }

  /** empty: nothing left; deferred: a delayed job will come back; quota: this job's share is used. */
  private async drain(recipient: string, lock: KnockedLock, group: Group): Promise<DrainOutcome> {
    const { pool, sender, logger } = this.o;
    const channel = sender.channel;
    // The fence, then before each send the chat's next row and its account, read along with the previous
    // send's record; after any other outcome they are read again.
    const { fence, ...first } = await store.openHold(pool, channel, recipient);
    let ahead: store.NextSend | null = first;
    for (let n = 0; n < this.o.rowsPerJob; n++) {
      const { row, info: readInfo } = ahead ?? { row: await store.nextRow(pool, channel, recipient), info: null };
      ahead = null;
      if (!row) return "empty";
      if (groupOf(row) !== group) return "handover";
      if (row.status === "sending") {
        // A worker died between claiming and recording this row: it may have been delivered. Where sending
        // again cannot show it twice, it is sent again; elsewhere it is uncertain and never re-sent.
        if (sender.idempotent) {
          if (await store.reclaimSending(pool, row.id, row.claimFence, fence)) {
            logger.warn({ channel, row: row.id }, "outbox row left in sending: sent again (idempotent channel)");
            continue;
          }
          return "lost";
        }
        if (await store.markUncertain(pool, row.id, row.claimFence, fence, "worker stopped during the platform call")) {
          await this.announce(recipient, row.id);
          logger.warn({ channel, row: row.id }, "outbox row left in sending: marked uncertain, not re-sent");
          continue;
        }
        // Held by a claim of a later holder: this holder is the stale one.
        return "lost";
      }
      // The chat must still be ours right before the send: the lock is extended together with reading the
      // channel's pause and the chat's pacing, and again after any wait.
      const [held, paused] = await Promise.all([lock.extend(this.o.lockTtlMs), this.pausedOrPacing(recipient)]);
      const wait = Math.max((await this.dueAt(recipient, row)) - Date.now(), paused);
      if (held && wait > this.o.inlineWaitMs) {
        await requestDelivery(this.queueOf(group), { channel, recipient }, wait, `at-${row.id}-${row.attempts}`);
        return "deferred";
      }
      if (held && wait > 0) await sleep(wait);
      if (!held || (wait > 0 && !(await lock.extend(this.o.lockTtlMs)))) {
        logger.warn({ channel, row: row.id }, "chat lock lost before sending: leaving the chat to its new holder");
        return "lost";
      }
      // The account as read with the row, unless the row waited: then as it is now.
      const info = readInfo && wait <= 0 ? readInfo : await store.recipientInfo(pool, channel, recipient);
      if (!info.reachable) {
        const failed = await store.failUnreachable(pool, channel, recipient);
        logger.info({ channel, failed }, "chat unreachable: its remaining outbox rows failed, not sent");
        continue;
      }
      const { rows, payload } = await this.combined(recipient, row);
      // The token as close to the platform call as the claim allows, so that little time passes between
      // being counted and reaching the platform.
      const token = await this.budget.take(group);
      // Refused when another worker changed the row or a later holder claimed in this chat.
      for (const r of rows) if (!(await store.markSending(pool, r.id, fence))) return "lost";
      let result: SendResult;
      try {
        result = await sender.send(recipient, payload, info, row.partsSent, { lane: row.lane, ...(row.replyTo ? { replyTo: row.replyTo } : {}) });
      } catch (error) {
        result = { ok: false, retry: "backoff", reason: `sender threw: ${(error as Error).message}` };
      }
      await Promise.all([this.budget.finished(token, group), this.fast.set(this.key("last", recipient), String(Date.now()), "PX", 60_000)]);
      if (result.ok) {
        ahead = await store.markSentThenNext(pool, rows.map((r) => r.id), fence, result.platformMessageId, channel, recipient);
        for (const r of rows) await this.announce(recipient, r.id);
        continue;
      }
      if (result.retry === "never") {
        // The account first: whoever sees the row failed also sees why the chat is unreachable.
        if (result.unreachable) await store.markUnreachable(pool, channel, recipient, result.reason);
        for (const r of rows) await store.markFailed(pool, r.id, fence, result.reason);
        logger.info({ channel, row: row.id, reason: result.reason }, "outbox row not deliverable");
        continue;
      }
      let delay: number;
      if (result.retry === "after") {
        delay = result.delayMs;
        if (result.scope === "channel") {
          await this.fast.set(this.key("pause"), String(Date.now() + delay), "PX", Math.max(1, Math.ceil(delay)));
        }
      } else if (row.attempts + 1 >= this.o.maxAttempts) {
        for (const r of rows) await store.markFailed(pool, r.id, fence, `gave up after ${row.attempts + 1} attempts: ${result.reason}`);
        logger.error({ channel, row: row.id, reason: result.reason }, "outbox row failed for good");
        continue;
      } else {
        delay = backoffDelay(row.attempts + 1, this.o.backoffBaseMs);
      }
      const reason = result.retry === "after" && result.untilInteraction ? `${AWAITING_CITIZEN}${result.reason}` : result.reason;
      // The companions wait with the row, so that the retry combines the same rows again.
      for (const r of rows) await store.markRetry(pool, r.id, fence, delay, reason, r === row ? result.partsSent : undefined);
      await requestDelivery(this.queueOf(group), { channel, recipient }, delay, `at-${row.id}-${row.attempts + 1}`);
      return "deferred";
    }
    return "quota";
  }

  /**
   * When the row is due: its next attempt, or now for a row held by a closed window (Zalo) when the
   * citizen has written since – the window is open again.
   */
  private async dueAt(recipient: string, row: store.OutboxRow): Promise<number> {
    const at = row.nextAttemptAt.getTime();
    if (at <= Date.now() || !this.o.sender.windowOpen || !row.lastError?.startsWith(AWAITING_CITIZEN)) return at;
    const info = await store.recipientInfo(this.o.pool, this.o.sender.channel, recipient);
    return this.o.sender.windowOpen(info) ? Date.now() : at;
  }

  /** The row alone, or with the companions the sender combines it with into one message. */
  private async combined(recipient: string, row: store.OutboxRow): Promise<{ rows: store.OutboxRow[]; payload: OutboxPayload }> {
    const alone = { rows: [row], payload: row.payload };
    if (!this.o.sender.combine || row.payload.kind !== "message" || !row.replyTo) return alone;
    const more = await store.companions(this.o.pool, this.o.sender.channel, recipient, row, MAX_COMBINED - 1);
    const messages = [row.payload.message, ...more.flatMap((r) => (r.payload.kind === "message" ? [r.payload.message] : []))];
    if (messages.length !== more.length + 1 || messages.length === 1) return alone;
    const { message, count } = this.o.sender.combine(messages);
    if (count <= 1) return alone;
    return { rows: [row, ...more.slice(0, count - 1)], payload: { kind: "message", message } };
  }

  /** For readers waiting on our own server (web chat): wake them; they read the row themselves. */
  private async announce(recipient: string, rowId: string): Promise<void> {
    if (!this.o.sender.announcesDelivery) return;
    await announceDelivered(this.fast, this.o.prefix, this.o.sender.channel, recipient, rowId).catch((err) =>
      this.o.logger.warn({ err, channel: this.o.sender.channel, row: rowId }, "delivery announcement failed; the page shows it on its next read"),
    );
  }

  /** How long the channel is paused (the platform said to wait) or the chat's pacing still holds. */
  private async pausedOrPacing(recipient: string): Promise<number> {
    const [until, last] = (await this.fast.mget(this.key("pause"), this.key("last", recipient))).map(Number);
    return Math.max(until ? until - Date.now() : 0, last ? last + this.o.sender.perRecipientIntervalMs - Date.now() : 0);
  }
}
