// One owner per table: every statement that names channel_accounts lives in server/accounts/ (the
// store and its SQL fragments); channels, routes and other stores call it. A file elsewhere that names
// the table is listed here with its lines.
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles } from "../../support/source-files.ts";

const SERVER = join(ROOT, "server");
const OWNER = join(SERVER, "accounts");
const GENERATED = join(SERVER, "db", "generated");

describe("channel_accounts", () => {
  it("is named in SQL only inside server/accounts/", async () => {
    const files = await sourceFiles(SERVER);
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.startsWith(OWNER))).toBe(true);
    const outside: string[] = [];
    for (const file of files) {
      if (file.startsWith(OWNER) || file.startsWith(GENERATED)) continue;
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (/channel_accounts/.test(line)) outside.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(outside).toEqual([]);
  });
});
