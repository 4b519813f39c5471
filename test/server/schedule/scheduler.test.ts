// Scheduled tasks run once per occurrence however many worker processes register them (here two
// schedulers on separate Redis connections, as two processes would have), and keep running when one
// of them stops.
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../server/logger.ts";
import { createRedis, type Redis } from "../../../server/redis.ts";
import { SCHEDULE_QUEUE, Scheduler } from "../../../server/schedule/scheduler.ts";
import { testConfig } from "../../support/env.ts";

const config = testConfig();
const logger = createLogger(config);
const opened: { scheduler?: Scheduler; redis: Redis }[] = [];

function workerProcess(prefix: string) {
  const redis = createRedis(config.redisUrl);
  const scheduler = new Scheduler({ redis, prefix, logger, timeZone: config.timeZone });
  opened.push({ scheduler, redis });
  return scheduler;
}

afterEach(async () => {
  for (const p of opened.splice(0)) {
    await p.scheduler?.close();
    p.redis.disconnect();
  }
});

describe("Scheduler", () => {
  it("runs each occurrence of a task once across two processes that both register it", async () => {
    const prefix = `${config.redisPrefix}_sch_${randomBytes(3).toString("hex")}`;
    const runs: { by: string; firedAt: number }[] = [];
    for (const by of ["a", "b"]) {
      await workerProcess(prefix).register({
        name: "tick",
        every: 250,
        run: async ({ firedAt }) => void runs.push({ by, firedAt: firedAt.getTime() }),
      });
    }
    await new Promise((r) => setTimeout(r, 2_600));
    const fired = runs.map((r) => r.firedAt);
    expect(new Set(fired).size).toBe(fired.length);
    // ~10 occurrences in 2.6 s at one per 250 ms; twice as many if each process ran its own.
    expect(runs.length).toBeGreaterThanOrEqual(7);
    expect(runs.length).toBeLessThanOrEqual(12);

    const redis = createRedis(config.redisUrl);
    opened.push({ redis });
    const queue = new Queue(SCHEDULE_QUEUE, { connection: redis, prefix });
    expect(await queue.getJobSchedulersCount()).toBe(1);
    await queue.close();
  }, 15_000);

  it("keeps the schedule when one process stops, and a failing run does not end it", async () => {
    const prefix = `${config.redisPrefix}_sch_${randomBytes(3).toString("hex")}`;
    let runs = 0;
    const task = {
      name: "flaky",
      every: 200,
      run: async () => {
        runs++;
        if (runs % 2 === 1) throw new Error("every other run fails");
      },
    };
    const first = workerProcess(prefix);
    await first.register(task);
    await workerProcess(prefix).register(task);
    await first.close();
    opened[0]!.scheduler = undefined;
    const before = runs;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(runs - before).toBeGreaterThanOrEqual(4);
  }, 15_000);

  it("refuses a task without a schedule or with a name BullMQ cannot use", async () => {
    const s = workerProcess(`${config.redisPrefix}_sch_${randomBytes(3).toString("hex")}`);
    await expect(s.register({ name: "no-schedule", run: async () => {} })).rejects.toThrow(/every or pattern/);
    await expect(s.register({ name: "a:b", every: 1000, run: async () => {} })).rejects.toThrow(/a-z, 0-9/);
  });
});
