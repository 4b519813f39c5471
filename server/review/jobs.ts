// Scheduled officer review work, as tasks of the shared Scheduler (BullMQ job schedulers: idempotent
// upserts, one run per slot whatever the number of app processes): every day at REVIEW_DIGEST_HOUR the reminders and escalations of
// submissions waiting too long; every hour the digests of officers whose hour it is. Each recipient gets
// a system event through handleSystem with a stable id per day (or hour), so a retried job or a second
// run tells nobody twice. sendReminders/sendDigests take the clock as an argument (fake days in tests).
import type pg from "pg";
import type { Logger } from "pino";
import type { ReviewSettings } from "../config.ts";
import type { HandleSystem } from "../conversation/types.ts";
import type { ScheduledTask } from "../schedule/scheduler.ts";
import { queueCounts } from "./queue.ts";
import { digestRecipients, reminderTargets } from "./reminders.ts";
import { DAY_MS } from "./scope.ts";
import { dateParts, dateTimeFormat } from "../../bot/intl.ts";

export interface ReviewJobDeps {
  pool: pg.Pool;
  handleSystem: HandleSystem;
  settings: ReviewSettings;
  timeZone: string;
  logger: Logger;
}

function local(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = dateParts(dateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" }), now);
  const get = (type: string) => parts[type] ?? "";
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

/**
 * The scheduled tasks of officer review, for the shared Scheduler (server/schedule/scheduler.ts): one
 * BullMQ job scheduler each on the one "scheduled" queue, so every occurrence runs once however many
 * worker processes register them. Reminders daily at REVIEW_DIGEST_HOUR, digests every hour (local time).
 */
export function reviewTasks(deps: ReviewJobDeps, clock: () => Date = () => new Date()): ScheduledTask[] {
  const done = (job: string) => (summary: RunSummary) => deps.logger.info({ job, ...summary }, "officer review job done");
  return [
    { name: "review-reminders", pattern: `0 ${deps.settings.digestHour} * * *`, run: async () => done("reminders")(await sendReminders(deps, clock())) },
    { name: "review-digests", pattern: "0 * * * *", run: async () => done("digests")(await sendDigests(deps, clock())) },
  ];
}
