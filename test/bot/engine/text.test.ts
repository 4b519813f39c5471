import { describe, expect, it } from "vitest";
import {
  checkBirthYear,
  checkFullName,
  normaliseUnitCode,
  parseNumber,
  truncate,
  unitFromPayload,
  yearIn,
} from "../../../bot/engine/text.ts";

describe("text helpers", () => {
  it("truncates long labels with an ellipsis", () => {
    expect(truncate("Ngắn")).toBe("Ngắn");
    const long = "Thường xuyên, gần như mỗi ngày, cả sách in và báo điện tử";
    const cut = truncate(long);
    expect(Array.from(cut)).toHaveLength(40);
    expect(cut.endsWith("…")).toBe(true);
    expect(truncate("😀".repeat(50), 10)).toBe("😀".repeat(9) + "…");
  });

  it("reads numbers with a comma or a dot", () => {
    expect(parseNumber("12")).toBe(12);
    expect(parseNumber(" 12,5 ")).toBe(12.5);
    expect(parseNumber("12.5")).toBe(12.5);
    expect(parseNumber("-3")).toBe(-3);
    for (const bad of ["", "abc", "1e5", "12,5,1", "1.000.000", "12 giờ", "Infinity", "0x10"]) expect(parseNumber(bad), bad).toBeNull();
  });

  it("checks full names", () => {
    expect(checkFullName("  Nguyễn   Văn An ")).toEqual({ ok: true, name: "Nguyễn Văn An" });
    expect(checkFullName("Đặng Thị Mỹ-Linh.")).toEqual({ ok: true, name: "Đặng Thị Mỹ-Linh." });
    expect(checkFullName("An")).toEqual({ ok: true, name: "An" });
    // Decomposed diacritics (as some keyboards send them) are composed.
    expect(checkFullName("Nguye\u0302\u0303n")).toEqual({ ok: true, name: "Nguyễn" });
    expect(checkFullName("A")).toEqual({ ok: false, problem: "length" });
    expect(checkFullName("a".repeat(101))).toEqual({ ok: false, problem: "length" });
    expect(checkFullName("Nguyen 2")).toEqual({ ok: false, problem: "chars" });
    expect(checkFullName("😀😀")).toEqual({ ok: false, problem: "chars" });
    expect(checkFullName("--")).toEqual({ ok: false, problem: "chars" });
  });

  it("checks birth years against the age range", () => {
    expect(checkBirthYear("1975", 2025)).toBe(1975);
    expect(checkBirthYear("2015", 2025)).toBe(2015);
    expect(checkBirthYear("1915", 2025)).toBe(1915);
    expect(checkBirthYear("2016", 2025)).toBeNull();
    expect(checkBirthYear("1914", 2025)).toBeNull();
    expect(checkBirthYear("75", 2025)).toBeNull();
    expect(checkBirthYear("1975.5", 2025)).toBeNull();
  });

  it("takes the year in the time zone", () => {
    const newYearsEveUtc = new Date("2025-12-31T18:00:00Z");
    expect(yearIn(newYearsEveUtc, "UTC")).toBe(2025);
    expect(yearIn(newYearsEveUtc, "Asia/Ho_Chi_Minh")).toBe(2026);
  });

  it("normalises unit codes and start payloads", () => {
    expect(normaliseUnitCode("  phuong1 ")).toBe("PHUONG1");
    expect(unitFromPayload("u_abc-1")).toBe("ABC-1");
    expect(unitFromPayload("x_abc")).toBeNull();
    expect(unitFromPayload(undefined)).toBeNull();
    expect(unitFromPayload("u_")).toBeNull();
  });
});
