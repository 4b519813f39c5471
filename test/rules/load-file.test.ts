// The file loader at the module's edge: files, directories, and the shipped sets.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHIPPED_SETS_DIR, loadCriteriaFile, loadShippedSets } from "../../rules/load-file.ts";
import { FIXTURES, SETS_DIR, readJson } from "./support.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rules-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  return path;
}

describe("loadCriteriaFile", () => {
  it("loads a valid file", async () => {
    const outcome = await loadCriteriaFile(join(FIXTURES, "load/valid.json"));
    expect(outcome.ok && outcome.set.id).toBe("test-set");
  });

  it("returns every problem of a broken file", async () => {
    const outcome = await loadCriteriaFile(join(FIXTURES, "load/broken.json"));
    expect(outcome.ok ? 0 : outcome.problems.length).toBe(4);
  });

  it("reports an unreadable file as one problem at the root", async () => {
    const outcome = await loadCriteriaFile(join(dir, "missing.json"));
    expect(outcome).toEqual({ ok: false, problems: [{ path: "", message: expect.stringMatching(/^cannot read .*missing\.json: .*ENOENT/) }] });
  });

  it("reports invalid JSON as one problem at the root", async () => {
    const path = join(dir, "bad.json");
    await writeFile(path, '{"id": "x",');
    const outcome = await loadCriteriaFile(path);
    expect(outcome).toEqual({ ok: false, problems: [{ path: "", message: expect.stringMatching(/^invalid JSON in .*bad\.json/) }] });
  });

  it("accepts a UTF-8 byte order mark", async () => {
    const path = join(dir, "bom.json");
    await writeFile(path, `\uFEFF${JSON.stringify(readJson(join(FIXTURES, "load/valid.json")))}`);
    expect((await loadCriteriaFile(path)).ok).toBe(true);
  });
});

describe("loadShippedSets", () => {
  it("defaults to rules/sets and loads the four sets in file-name order", async () => {
    expect(SHIPPED_SETS_DIR).toBe(SETS_DIR.replace(/\/$/, ""));
    const sets = await loadShippedSets();
    expect(sets.map((s) => s.id)).toEqual(["cdht-public_servant", "cdht-resident", "cdht-student", "cdht-worker"]);
  });

  it("throws listing every problem of every broken file", async () => {
    const path = await freshDir("broken");
    await copyFile(join(FIXTURES, "load/valid.json"), join(path, "a.json"));
    await copyFile(join(FIXTURES, "load/broken.json"), join(path, "b.json"));
    await writeFile(join(path, "c.json"), "not json");
    const error = await loadShippedSets(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toContain(path);
    expect(lines.filter((l) => l.startsWith("b.json: groups["))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith("c.json: (file): invalid JSON"))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("a.json"))).toBe(false);
  });

  it("throws when two files hold the same id and version", async () => {
    const path = await freshDir("twins");
    await copyFile(join(FIXTURES, "load/valid.json"), join(path, "a.json"));
    await copyFile(join(FIXTURES, "load/valid.json"), join(path, "b.json"));
    await expect(loadShippedSets(path)).rejects.toThrow("b.json: id: set test-set@1 is also defined in a.json");
  });

  it("throws when there is no set", async () => {
    const path = await freshDir("empty");
    await expect(loadShippedSets(path)).rejects.toThrow(/no criteria sets/);
    await expect(loadShippedSets(join(dir, "nope"))).rejects.toThrow(/cannot read criteria sets directory/);
  });
});
