// The CLI, run as a child process on temporary files.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash } from "../../rules/index.ts";
import { FIXTURES, REPO_ROOT, SETS_DIR, bestAnswers, mustParse, readJson, shippedSets } from "./support.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", join(REPO_ROOT, "rules/cli.ts"), ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

let dir: string;
const file = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rules-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const worker = shippedSets.find((s) => s.id === "cdht-worker")!;

describe("rules CLI", () => {
  it("validate: prints ok, id, version and hash for a valid set", async () => {
    const run = await cli("validate", join(SETS_DIR, "worker.json"));
    expect(run).toEqual({ code: 0, stdout: `ok cdht-worker 2026.2 ${contentHash(worker)}\n`, stderr: "" });
  });

  it("validate: prints every problem as <path>: <message> and exits 1", async () => {
    const run = await cli("validate", join(FIXTURES, "load/broken.json"));
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines).toContain("groups[0].indicators[0].questions[0].prompt.vi: is required");
    expect(lines.some((l) => l.startsWith("groups[0].indicators[1].questions[0].bands[2].min: bands must be sorted"))).toBe(true);
  });

  it("validate: one clear line for a missing file or invalid JSON", async () => {
    const missing = await cli("validate", file("nope.json"));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^cannot read .*nope\.json: .*\n$/);
    await writeFile(file("bad.json"), "{");
    const bad = await cli("validate", file("bad.json"));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^invalid JSON in .*bad\.json: .*\n$/);
  });

  it("score: prints the result as JSON and exits 0", async () => {
    await writeFile(file("best.json"), JSON.stringify({ answers: bestAnswers(worker) }));
    const run = await cli("score", join(SETS_DIR, "worker.json"), file("best.json"));
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ verdict: "dat", total: 100, max: 100, missing: [], ignored: [], reasons: [], advice: [] });
    expect(out.groups).toEqual([
      { id: "self_learning", points: 40, max: 40 },
      { id: "tools", points: 40, max: 40 },
      { id: "social", points: 20, max: 20 },
    ]);
    expect(out.indicators).toHaveLength(10);
    expect(out.indicators[0]).toEqual({ id: "plan", points: 10, max: 10 });
  });

  it("score: the reasons of a chua_dat result show up", async () => {
    const fixture = readJson(join(FIXTURES, "score/boundaries.json")) as { set: unknown };
    mustParse(fixture.set);
    await writeFile(file("set.json"), JSON.stringify(fixture.set));
    await writeFile(file("low.json"), JSON.stringify({ answers: { q1: "p4", q2: 75 } }));
    const run = await cli("score", file("set.json"), file("low.json"));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      verdict: "chua_dat",
      total: 79,
      reasons: [
        { code: "total_below_min", total: 79, min: 80 },
        { code: "indicator_below_min", indicatorId: "i1", points: 4, min: 5 },
      ],
    });
  });

  it("score: invalid answers give every error as JSON and exit 1", async () => {
    await writeFile(file("invalid.json"), JSON.stringify({ answers: { nope: 1, read_news: "hourly", learn_hours: 5000, initiative: "yes" } }));
    const run = await cli("score", join(SETS_DIR, "worker.json"), file("invalid.json"));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      errors: [
        { questionId: "nope", code: "unknown_question" },
        { questionId: "read_news", code: "unknown_option" },
        { questionId: "learn_hours", code: "out_of_range" },
        { questionId: "initiative", code: "wrong_type" },
      ],
    });
  });

  it("score: a broken set prints its problems and exits 1", async () => {
    await writeFile(file("empty.json"), JSON.stringify({ answers: {} }));
    const run = await cli("score", join(FIXTURES, "load/broken.json"), file("empty.json"));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(4);
  });

  it("score: an answers file of the wrong shape is one line on stderr and exit 1", async () => {
    await writeFile(file("shape.json"), JSON.stringify({ read_news: "daily" }));
    const run = await cli("score", join(SETS_DIR, "worker.json"), file("shape.json"));
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toMatch(/expected an object \{"answers"/);
  });

  it("bad usage prints the usage on stderr and exits 2", async () => {
    for (const args of [[], ["validate"], ["score", "a.json"], ["frobnicate", "x"]]) {
      const run = await cli(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^usage:/);
    }
  });
});
