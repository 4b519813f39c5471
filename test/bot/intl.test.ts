// bot/intl: date formatters are built once per locale and options and shared, and nothing else in the
// code builds one (each holds ~100 KB of ICU data outside the JS heap; one per message grew a campaign
// drain by more than 200 MB).
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { dateParts, dateTimeFormat } from "../../bot/intl.ts";
import { ROOT, sourceFiles } from "../support/source-files.ts";

describe("dateTimeFormat", () => {
  it("gives the same formatter for the same locale and options, another for others", () => {
    const a = dateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
    const b = dateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
    expect(b).toBe(a);
    expect(dateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" })).not.toBe(a);
    expect(dateTimeFormat("vi-VN", { timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric" })).not.toBe(a);
    // 30 September 20:00 UTC is already 1 October in Vietnam.
    expect(a.format(new Date("2027-09-30T20:00:00Z"))).toBe("01/10/2027");
  });

  it("reads an instant's fields in a time zone", () => {
    const f = dateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit" });
    expect(dateParts(f, new Date("2027-09-30T20:00:00Z"))).toMatchObject({ year: "2027", month: "10", day: "01", hour: "03" });
  });

  it("is the only place the code builds a date formatter", async () => {
    const files = [...(await sourceFiles(join(ROOT, "bot"))), ...(await sourceFiles(join(ROOT, "server"))), ...(await sourceFiles(join(ROOT, "rules")))];
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      if (file === join(ROOT, "bot", "intl.ts") || file.includes(join("server", "db", "generated"))) continue;
      (await readFile(file, "utf8")).split("\n").forEach((line, i) => {
        if (/new Intl\.DateTimeFormat\(|\.toLocale(Date|Time)String\(/.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
