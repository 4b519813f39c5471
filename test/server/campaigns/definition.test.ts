// Campaign definitions: the learning-week preset's rounds, and validation that refuses what cannot be
// sent (night windows, unknown placeholders, rounds after the end) with a message naming the field.
import { describe, expect, it } from "vitest";
import { createTranslateSync } from "../../../bot/i18n.ts";
import { roundDate, validateDefinition } from "../../../server/campaigns/definition.ts";
import { learningWeek } from "../../../server/campaigns/preset.ts";
import { instantOf, inWindow, localTime, nextWindowStart } from "../../../server/campaigns/schedule.ts";

const t = createTranslateSync();
const week = () => learningWeek(t, { year: 2027, from: "2027-10-01", to: "2027-10-07", theme: "Văn hóa đọc" });

describe("the learning-week preset", () => {
  it("opens on day 1, reminds the unfinished on days 3 and 6, reminds officers on day 5, thanks the confirmed on day 7", () => {
    const d = validateDefinition(week());
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.rounds.map((r) => [r.day, r.label, r.to])).toEqual([
      [1, "opening", "citizens"], [3, "reminder", "citizens"], [5, "officers", "officers"], [6, "reminder", "citizens"], [7, "thanks", "citizens"],
    ]);
    expect(d.value.rounds[1]!.statuses).toEqual(["not_started", "in_progress", "needs_more"]);
    expect(d.value.rounds[4]!.statuses).toEqual(["confirmed"]);
    expect(d.value.window).toEqual({ start: "08:00", end: "20:00" });
    expect(d.value.name).toBe("Tuần lễ hưởng ứng học tập suốt đời 2027");
    expect(d.value.rounds[0]!.message.vi).toContain("{{progress}}");
    expect(d.value.rounds[0]!.message.en).toContain("{{theme}}");
    expect(roundDate("2027-10-01", 7)).toBe("2027-10-07");
  });
});

describe("validateDefinition", () => {
  it("refuses a send window reaching into the night, naming the field", () => {
    const r = validateDefinition({ ...week(), window: { start: "05:30", end: "20:00" } });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("window: must lie within 06:00–22:00") });
    expect(validateDefinition({ ...week(), window: { start: "08:00", end: "22:30" } }).ok).toBe(false);
    expect(validateDefinition({ ...week(), window: { start: "20:00", end: "08:00" } }).ok).toBe(false);
    expect(validateDefinition({ ...week(), window: { start: "06:00", end: "22:00" } }).ok).toBe(true);
  });

  it("names an unknown placeholder, a round after the last day, reversed dates and a bad date", () => {
    const w = week();
    const bad = validateDefinition({
      ...w,
      to: "2027-10-05",
      rounds: [{ day: 1, message: { vi: "Chào {{ten}}" } }, { day: 7, message: { vi: "x" } }],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.message).toContain("rounds.0.message.vi: unknown placeholder {{ten}}");
    expect(bad.message).toContain("rounds.1.day: the campaign has 5 days");
    expect(validateDefinition({ ...w, from: "2027-10-08" })).toMatchObject({ ok: false, message: expect.stringContaining("to: must not be before from") });
    expect(validateDefinition({ ...w, from: "2027-02-30" })).toMatchObject({ ok: false, message: expect.stringContaining("not a calendar date") });
  });
});

describe("the send window in the deployment's time zone", () => {
  const tz = "Asia/Ho_Chi_Minh";
  const w = { startMin: 8 * 60, endMin: 20 * 60 };

  it("knows local dates and times", () => {
    expect(localTime(new Date("2027-09-30T17:30:00Z"), tz)).toEqual({ date: "2027-10-01", minutes: 30 });
    expect(instantOf("2027-10-01", 8 * 60, tz).toISOString()).toBe("2027-10-01T01:00:00.000Z");
  });

  it("sends inside 08:00–20:00 local and waits for the next opening outside", () => {
    expect(inWindow(new Date("2027-10-01T01:00:00Z"), tz, w)).toBe(true); // 08:00
    expect(inWindow(new Date("2027-10-01T13:00:00Z"), tz, w)).toBe(false); // 20:00
    expect(nextWindowStart(new Date("2027-10-01T13:30:00Z"), tz, w).toISOString()).toBe("2027-10-02T01:00:00.000Z");
    expect(nextWindowStart(new Date("2027-09-30T20:00:00Z"), tz, w).toISOString()).toBe("2027-10-01T01:00:00.000Z"); // 03:00 local
    const inside = new Date("2027-10-01T05:00:00Z");
    expect(nextWindowStart(inside, tz, w)).toBe(inside);
  });
});
