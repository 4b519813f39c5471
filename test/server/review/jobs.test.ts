// Reminders, escalation and digests over fake days, through the same system-event path as every other
// message (handleSystem → the officer's own chat), and the BullMQ job schedulers that run them.
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../rules/load-file.ts";
import type { CriteriaSet } from "../../../rules/index.ts";
import { reviewTasks, sendDigests, sendReminders, type ReviewJobDeps } from "../../../server/review/jobs.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { SCHEDULE_QUEUE, Scheduler } from "../../../server/schedule/scheduler.ts";
import { driveToVerdict } from "../../support/drive.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { reviewRuntime, webOfficerOf, type WebUser } from "../../support/review-chat.ts";
import { DAY } from "../../support/review-fixtures.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;
let deps: ReviewJobDeps;

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await reviewRuntime(fake);
  worker = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
  deps = { pool: rt.db.pool, handleSystem: rt.handleSystem, settings: rt.config.review, timeZone: rt.config.timeZone, logger: rt.logger };
});
afterAll(async () => {
  await rt?.close();
  await fake?.stop();
});

const text = async (o: WebUser) => o.texts(await o.replies());

describe("reminders and escalation over fake days", () => {
  it("reminds the unit's officers after 3 days, escalates to its lead after 7 and to the parent unit after 14, once a day", async () => {
    const parent = await addUnit(rt.db.pool, "Xã Cấp Trên");
    const { rows } = await rt.db.pool.query(`INSERT INTO units (code, name, kind, parent_id) VALUES ($1, 'Thôn Nhắc Việc', 'village', $2) RETURNING code`, [`${parent.code}-N`, parent.id]);
    const unitCode = rows[0].code as string;
    await rt.units.refresh();
    const officer = await webOfficerOf(rt, unitCode);
    const lead = await webOfficerOf(rt, unitCode, "lead");
    const above = await webOfficerOf(rt, parent.code);
    const c = new TelegramCitizen(() => rt, fake);
    await driveToVerdict(c, worker, unitCode, "best");
    await Promise.all([officer.replies(), lead.replies(), above.replies()]);
    const now = Date.now();
    const day = (n: number) => new Date(now + n * DAY);

    await sendReminders(deps, day(2));
    expect([await text(officer), await text(lead), await text(above)]).toEqual(["", "", ""]);

    await sendReminders(deps, day(4));
    const first = await text(officer);
    expect(first).toContain("Nhắc việc xác nhận");
    expect(first).toContain("Thôn Nhắc Việc");
    expect(first).toMatch(/1 bài chờ lâu, lâu nhất 4 ngày/);
    expect(await text(lead)).toContain("1 bài chờ lâu");
    expect(await text(above)).toBe("");
    // The same day again (a retried job, a second process): nobody is told twice.
    await sendReminders(deps, new Date(day(4).getTime() + 60_000));
    expect(await text(officer)).toBe("");

    await sendReminders(deps, day(8));
    expect(await text(officer)).toContain("1 bài chờ lâu");
    expect(await text(lead)).toContain("cần trưởng ban xử lý");
    expect(await text(above)).toBe("");

    await sendReminders(deps, day(15));
    expect(await text(above)).toContain("anh/chị có thể xác nhận thay");
    const queue = await above.tapLabel("Xem hàng chờ");
    // In real time the submission is fresh, so the parent's officer does not see it in the queue yet.
    expect(above.texts(queue)).toContain("Hàng chờ trống");
  });
});

describe("digests", () => {
  it("an officer who chose the daily digest gets no card per submission but the digest at the hour", async () => {
    const unit = await addUnit(rt.db.pool, "Phường Tổng Hợp");
    await rt.units.refresh();
    const busy = await webOfficerOf(rt, unit.code);
    const other = await webOfficerOf(rt, unit.code);
    expect(busy.texts(await busy.tapLabel("Chỉ nhận tổng hợp hằng ngày"))).toContain("bản tổng hợp mỗi ngày");
    const c = new TelegramCitizen(() => rt, fake);
    await driveToVerdict(c, worker, unit.code, "best");
    expect(await text(busy)).toBe("");
    expect(await text(other)).toContain("Bài tự đánh giá mới cần xác nhận");
    const at = new Date();
    at.setUTCHours(rt.config.review.digestHour - 7, 0, 0, 0); // the digest hour in Asia/Ho_Chi_Minh (UTC+7)
    await sendDigests(deps, at);
    const digest = await text(busy);
    expect(digest).toContain("Tổng hợp hằng ngày");
    expect(digest).toContain("1 bài đang chờ xác nhận");
    expect(await text(other)).toBe("");
    await sendDigests(deps, at);
    expect(await text(busy)).toBe("");
  });
});

describe("the job schedulers", () => {
  it("are tasks of the shared Scheduler: reminders daily at the digest hour, digests hourly, in the configured time zone, once however many processes", async () => {
    const queue = new Queue(SCHEDULE_QUEUE, { connection: rt.redis, prefix: rt.config.redisPrefix });
    const old = new Queue("review", { connection: rt.redis, prefix: rt.config.redisPrefix });
    // A second worker process registers the same tasks: BullMQ keeps one scheduler per task.
    const second = new Scheduler({ redis: rt.redis, prefix: rt.config.redisPrefix, logger: rt.logger, timeZone: rt.config.timeZone });
    try {
      const reviewSchedulers = async () => (await queue.getJobSchedulers()).filter((s) => s.key.startsWith("review-"));
      // Registered by the runtime's worker role …
      expect((await reviewSchedulers()).map((s) => s.key).sort()).toEqual(["review-digests", "review-reminders"]);
      for (const task of reviewTasks(deps)) await second.register(task);
      // … and still one each after another process registered them.
      const review = await reviewSchedulers();
      expect(review.map((s) => s.key).sort()).toEqual(["review-digests", "review-reminders"]);
      const byId = Object.fromEntries(review.map((s) => [s.key, s]));
      expect(byId["review-reminders"]).toMatchObject({ pattern: `0 ${rt.config.review.digestHour} * * *`, tz: "Asia/Ho_Chi_Minh" });
      expect(byId["review-digests"]).toMatchObject({ pattern: "0 * * * *", tz: "Asia/Ho_Chi_Minh" });
      // No queue of their own any more.
      expect(await old.getJobSchedulers()).toEqual([]);
    } finally {
      await second.close();
      await old.close();
      await queue.close();
    }
  });
});
