// `npm run admin -- campaign …` as a real process against a database of its own: create from the
// preset, preview, plan, the status changes (latest campaign when no id is given) and status.
import { describe, expect, it } from "vitest";
import { seedPopulation } from "../../../bench/broadcast/population.ts";
import { useScratchDatabase } from "../../support/scratch-database.ts";

const db = useScratchDatabase("cmp", { ZALO_WINDOW_TEMPLATE: "transaction_education" }, (pool) =>
  seedPopulation(pool, { people: 600, tag: "cli", year: 2027, villages: 3 }),
);
const campaign = (...args: string[]) => db.adminCli(["campaign", ...args]);

describe("npm run admin -- campaign", () => {
  it("refuses a definition it cannot send, changing nothing", async () => {
    const bad = await campaign("create", "--preset", "learning-week", "--year", "2027", "--from", "2027-10-07", "--to", "2027-10-01");
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("to: must not be before from");
    const night = await campaign("create", "--preset", "learning-week", "--year", "2027", "--from", "2027-10-01", "--to", "2027-10-07", "--window", "05:00-20:00");
    expect(night).toMatchObject({ code: 1, output: expect.stringContaining("window: must lie within 06:00–22:00") });
    const nowhere = await campaign("create", "--preset", "learning-week", "--year", "2027", "--from", "2027-10-01", "--to", "2027-10-07", "--units", "NOWHERE");
    expect(nowhere).toMatchObject({ code: 1, output: expect.stringContaining("no unit with code NOWHERE") });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM campaigns`)).rows[0].n).toBe(0);

  }, 90_000);

  it("creates the learning week from the preset, previews it per language and channel and plans it", async () => {
    const created = await campaign("create", "--preset", "learning-week", "--year", "2027", "--from", "2027-10-01", "--to", "2027-10-07",
      "--theme", "Phát triển văn hóa đọc", "--units", "CLI-XA", "--zalo-budget", "20000");
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/created campaign [0-9a-f-]{36} "Tuần lễ hưởng ứng học tập suốt đời 2027" \(draft, 5 rounds, 2027-10-01 → 2027-10-07\)/);

    const preview = await campaign("preview", "--round", "1");
    expect(preview.code, preview.output).toBe(0);
    expect(preview.output).toContain("Kính gửi ông/bà Nguyễn Văn An,");
    expect(preview.output).toContain("Kính gửi anh/chị Trần Thị Bình,");
    expect(preview.output).toContain("Kính gửi bạn Lê Minh Châu,");
    expect(preview.output).toContain("Dear Nguyễn Văn An,");
    expect(preview.output).toContain("\"Phát triển văn hóa đọc\"");
    expect(preview.output).toContain("đã trả lời 9/16 câu");
    expect(preview.output).toContain("Xã cli"); // signed by the campaign's unit
    for (const channel of ["telegram", "zalo", "web"]) expect(preview.output).toContain(`· ${channel}`);
    expect(preview.output.match(/Ngừng nhận tin nhắc/g)!.length).toBe(9);
    expect((await campaign("preview", "--round", "9")).code).toBe(1);

    const plan = await campaign("plan");
    expect(plan.code, plan.output).toBe(0);
    expect(plan.output).toMatch(/Round 1 – day 1 \(2027-10-01\), opening, to citizens: \d+ people/);
    // Round 1's figures add up: its people by status, and by channel plus those skipped.
    const round1 = plan.output.split("\n\n").find((b) => b.startsWith("Round 1 "))!;
    const n = (re: RegExp) => Number(re.exec(round1)?.[1] ?? NaN);
    const people = n(/to citizens: (\d+) people/);
    expect(people).toBe(400); // the seeded commune's citizens in every status but confirmed
    const byStatus = [...round1.matchAll(/(?:in progress|needs more|not started) (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(byStatus).toBe(people);
    const byChannel = n(/Telegram (\d+) ≈/) + n(/(\d+) unreachable \(blocked the bot\)/) + n(/Zalo (\d+):/) + n(/Web chat (\d+)/) + n(/skipped: (\d+) opted out/);
    expect(byChannel).toBe(people);
    expect(plan.output).toMatch(/Telegram \d+ ≈ \d+ s at 24\/s/);
    expect(plan.output).toMatch(/Zalo \d+: \d+ inside the 7-day window as consultation messages/);
    expect(plan.output).toContain("Zalo cost ≈");
  }, 90_000);

  it("runs the status changes on the latest campaign or the one named, refusing what its status does not allow", async () => {
    expect(await campaign("pause")).toMatchObject({ code: 1, output: expect.stringContaining("campaign is draft: pause needs it running") });
    expect(await campaign("start")).toMatchObject({ code: 0, output: expect.stringContaining("is now running") });
    expect(await campaign("pause")).toMatchObject({ code: 0, output: expect.stringContaining("is now paused") });
    const id = (await db.pool.query(`SELECT id FROM campaigns`)).rows[0].id as string;
    expect(await campaign("resume", id.slice(0, 8))).toMatchObject({ code: 0, output: expect.stringContaining("is now running") });
    const status = await campaign("status");
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain(`"Tuần lễ hưởng ứng học tập suốt đời 2027": running`);
    expect(status.output).toContain("Round 1 – day 1 (opening):");
    expect(await campaign("cancel", id)).toMatchObject({ code: 0, output: expect.stringContaining("is now cancelled") });
    expect(await campaign("start", "12345678-1234-1234-1234-123456789abc")).toMatchObject({ code: 1, output: expect.stringContaining("no campaign") });
  }, 90_000);
});
