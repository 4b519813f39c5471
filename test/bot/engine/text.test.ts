import { describe, expect, it } from "vitest";
import {
  checkBirthYear,
  checkFullName,
  evaluationYear,
  matchUnitsByName,
  normaliseUnitCode,
  numberInText,
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
    // From 15 (upper secondary school) up.
    expect(checkBirthYear("2010", 2025)).toBe(2010);
    expect(checkBirthYear("1915", 2025)).toBe(1915);
    expect(checkBirthYear("2011", 2025)).toBeNull();
    expect(checkBirthYear("1914", 2025)).toBeNull();
    expect(checkBirthYear("75", 2025)).toBeNull();
    expect(checkBirthYear("1975.5", 2025)).toBeNull();
    // A year typed among words.
    expect(checkBirthYear("năm 1970", 2025)).toBe(1970);
    expect(checkBirthYear("Tôi sinh năm 1958 ạ", 2025)).toBe(1958);
    expect(checkBirthYear("1958 hay 1959", 2025)).toBeNull();
  });

  it("reads a number among words, but only one", () => {
    expect(numberInText("khoảng 30")).toBe(30);
    expect(numberInText("30 giờ")).toBe(30);
    expect(numberInText("chừng 12,5 giờ")).toBe(12.5);
    expect(numberInText("từ 10 đến 20")).toBeNull();
    expect(numberInText("không biết")).toBeNull();
  });

  it("accepts names with apostrophes and short particles", () => {
    for (const name of ["H'Hen Niê", "Y Moan", "K'Sor Thị Hoa", "Ksor H’Nhi"]) expect(checkFullName(name).ok, name).toBe(true);
    expect(checkFullName("Ksor H’Nhi")).toEqual({ ok: true, name: "Ksor H'Nhi" });
  });

  it("counts the evaluation year with a January cut-off", () => {
    const jan10 = new Date("2027-01-10T03:00:00Z");
    const jan20 = new Date("2027-01-20T03:00:00Z");
    expect(evaluationYear(jan10, "Asia/Ho_Chi_Minh")).toBe(2027);
    expect(evaluationYear(jan10, "Asia/Ho_Chi_Minh", "01-15")).toBe(2026);
    expect(evaluationYear(new Date("2027-01-15T17:30:00Z"), "Asia/Ho_Chi_Minh", "01-15")).toBe(2027); // 16 Jan in Hà Nội
    expect(evaluationYear(jan20, "Asia/Ho_Chi_Minh", "01-15")).toBe(2027);
  });

  it("finds units by name: exact first, else every name containing the words", () => {
    const units = [{ name: "Xã Hòa Bình" }, { name: "Trường THPT Hòa Bình" }, { name: "Phường 1" }];
    expect(matchUnitsByName(units, "xa hoa binh")).toEqual([{ name: "Xã Hòa Bình" }]);
    expect(matchUnitsByName(units, "Hòa Bình").map((u) => u.name)).toEqual(["Trường THPT Hòa Bình", "Xã Hòa Bình"]);
    expect(matchUnitsByName(units, "Hải Phòng")).toEqual([]);
    expect(matchUnitsByName(units, "x")).toEqual([]);
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
