// Scheduled work that must run once per deployment however many processes there are (outbox sweep,
// retention, officer reminders, campaign ticks): each task is a BullMQ job scheduler
// (upsertJobScheduler, idempotent: every worker process registers the same id and Redis keeps one) on
// one queue, whose jobs any worker process may take – one of them runs each occurrence.
//
//   const scheduler = new Scheduler({ redis, prefix, logger, timeZone });
//   await scheduler.register({ name: "review-reminders", pattern: "0 8 * * *", run: async () => … });
//
// `every` (milliseconds) or `pattern` (cron, in the configured time zone). A task that throws is
// logged; its next occurrence runs as planned. Only processes with the worker role run a Scheduler.
import { Queue, Worker, type Job } from "bullmq";
import type { Logger } from "pino";
import { ownConnectionWorker, type Redis } from "../redis.ts";

export const SCHEDULE_QUEUE = "scheduled";

export interface ScheduledTask {
  /** Stable id of the schedule across processes and deploys ([a-z0-9-], no ':'). */
  name: string;
  /** Run every so many milliseconds … */
  every?: number;
  /** … or on a cron pattern, evaluated in the scheduler's time zone. */
  pattern?: string;
  run(job: { name: string; firedAt: Date }): Promise<void>;
}

export interface SchedulerOptions {
  /** A connection with maxRetriesPerRequest: null (BullMQ requirement); the worker gets a duplicate. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  timeZone: string;
  /** Occurrences of different tasks run side by side up to this many. */
  concurrency?: number;
}

export class Scheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(private readonly o: SchedulerOptions) {
    this.queue = new Queue(SCHEDULE_QUEUE, { connection: o.redis, prefix: o.prefix });
  }

  /** Adds (or updates) a task's schedule; the jobs run in whichever worker process takes them. */
  async register(task: ScheduledTask): Promise<void> {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(task.name)) throw new Error(`scheduled task name "${task.name}": use a-z, 0-9 and '-'`);
    if ((task.every === undefined) === (task.pattern === undefined)) throw new Error(`scheduled task ${task.name}: give every or pattern`);
    this.tasks.set(task.name, task);
    await this.queue.upsertJobScheduler(
      task.name,
      task.every !== undefined ? { every: task.every } : { pattern: task.pattern!, tz: this.o.timeZone },
      { name: task.name, opts: { removeOnComplete: true, removeOnFail: 50 } },
    );
    this.start();
  }

  /** Stops a schedule for every process (for a task that no longer exists). */
  async remove(name: string): Promise<void> {
    this.tasks.delete(name);
    await this.queue.removeJobScheduler(name);
  }

  private start(): void {
    if (this.worker) return;
    this.worker = ownConnectionWorker(SCHEDULE_QUEUE, (job) => this.runJob(job), this.o.redis, { prefix: this.o.prefix, concurrency: this.o.concurrency ?? 4 });
    this.worker.on("error", (err) => this.o.logger.error({ err }, "scheduler worker error"));
  }

  private async runJob(job: Job): Promise<void> {
    const task = this.tasks.get(job.name);
    if (!task) {
      // Registered by another version of the app that this process does not know: leave it to them.
      this.o.logger.warn({ task: job.name }, "scheduled task unknown to this process; skipped");
      return;
    }
    try {
      await task.run({ name: task.name, firedAt: new Date(job.timestamp) });
    } catch (err) {
      this.o.logger.warn({ err, task: task.name }, "scheduled task failed; its next occurrence runs as planned");
    }
  }

  /** Lets a running occurrence finish, then closes the worker and the queue (schedules stay in Redis). */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
