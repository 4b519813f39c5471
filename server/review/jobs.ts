// Scheduled officer review work, as BullMQ job schedulers (idempotent upserts, one run per slot whatever
// the number of app processes): every day at REVIEW_DIGEST_HOUR the reminders and escalations of
// submissions waiting too long; every hour the digests of officers whose hour it is. Each recipient gets
// a system event through handleSystem with a stable id per day (or hour), so a retried job or a second
// run tells nobody twice. sendReminders/sendDigests take the clock as an argument (fake days in tests).
import { Queue, Worker } from "bullmq";
import type pg from "pg";
import type { Logger } from "pino";
import type { ReviewSettings } from "../config.ts";
import type { HandleSystem } from "../conversation/types.ts";
import type { Redis } from "../redis.ts";
import { queueCounts } from "./queue.ts";
import { digestRecipients, reminderTargets } from "./reminders.ts";
import { DAY_MS } from "./scope.ts";

export interface ReviewJobDeps {
  pool: pg.Pool;
  handleSystem: HandleSystem;
  settings: ReviewSettings;
  timeZone: string;
  logger: Logger;
}

function local(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, hour: Number(get("hour")) };
}

export interface RunSummary {
  recipients: number;
  applied: number;
  /** Recipients without a reachable chat (told nothing; the next run tries again). */
  unreachable: number;
}

/** The day's reminders and escalations: one system event per officer, at most once a day. */
export async function sendReminders(deps: ReviewJobDeps, now: Date): Promise<RunSummary> {
  const targets = await reminderTargets(deps.pool, now, deps.settings);
  const { date } = local(now, deps.timeZone);
  const summary: RunSummary = { recipients: targets.length, applied: 0, unreachable: 0 };
  for (const target of targets) {
    const outcome = await deps.handleSystem({
      target: { personId: target.personId },
      eventId: `review.reminder:${date}:${target.personId}`,
      event: {
        type: "system",
        name: "review.reminder",
        items: target.items.map((i) => ({
          unitName: i.unit.name, unitCode: i.unit.code, level: i.level, count: i.count,
          oldestDays: Math.floor((now.getTime() - i.oldest.getTime()) / DAY_MS),
        })),
      },
    });
    if (outcome.status === "applied") summary.applied++;
    if (outcome.status === "no_account") summary.unreachable++;
  }
  return summary;
}

/** The digests due at this hour (local time): one system event per officer, at most once an hour. */
export async function sendDigests(deps: ReviewJobDeps, now: Date): Promise<RunSummary> {
  const { date, hour } = local(now, deps.timeZone);
  const people = await digestRecipients(deps.pool, { now, hour }, deps.settings);
  const summary: RunSummary = { recipients: people.length, applied: 0, unreachable: 0 };
  for (const personId of people) {
    const counts = await queueCounts(deps.pool, { personId, now }, deps.settings);
    if (counts.pending === 0) continue;
    const outcome = await deps.handleSystem({
      target: { personId },
      eventId: `review.digest:${date}:${hour}:${personId}`,
      event: { type: "system", name: "review.digest", pending: counts.pending, overdue: counts.overdue },
    });
    if (outcome.status === "applied") summary.applied++;
    if (outcome.status === "no_account") summary.unreachable++;
  }
  return summary;
}

export const REVIEW_QUEUE = "review";

/**
 * Registers the schedulers (in the background: a Redis that is down at start-up must not hold the app
 * up; the upsert is retried by the connection and is idempotent) and runs their jobs in this process;
 * close() waits for a running job.
 */
export function startReviewJobs(deps: ReviewJobDeps & { redis: Redis; prefix: string }): { queue: Queue; ready: Promise<void>; close(): Promise<void> } {
  const queue = new Queue(REVIEW_QUEUE, { connection: deps.redis, prefix: deps.prefix });
  queue.on("error", () => {});
  const tz = deps.timeZone;
  const template = { opts: { removeOnComplete: true, removeOnFail: 100 } };
  const ready = Promise.all([
    queue.upsertJobScheduler("review-reminders", { pattern: `0 ${deps.settings.digestHour} * * *`, tz }, { name: "reminders", ...template }),
    queue.upsertJobScheduler("review-digests", { pattern: "0 * * * *", tz }, { name: "digests", ...template }),
  ]).then(
    () => undefined,
    (err) => deps.logger.warn({ err }, "could not register the officer review schedulers; they are registered at the next start"),
  );
  const worker = new Worker(
    REVIEW_QUEUE,
    async (job) => {
      const now = new Date();
      const summary = job.name === "reminders" ? await sendReminders(deps, now) : await sendDigests(deps, now);
      deps.logger.info({ job: job.name, ...summary }, "officer review job done");
    },
    { connection: deps.redis.duplicate(), prefix: deps.prefix, concurrency: 1 },
  );
  worker.on("failed", (job, err) => deps.logger.warn({ err, job: job?.name }, "officer review job failed"));
  worker.on("error", (err) => deps.logger.error({ err }, "officer review worker error"));
  return {
    queue,
    ready,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
