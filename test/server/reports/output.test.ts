// Writing an export's output: waits while the output is full and goes on once it drains; fails when
// the output closes instead (a client that went away), before or while waiting.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { write } from "../../../server/reports/output.ts";

const chunk = "x".repeat(64 * 1024);

describe("export output", () => {
  it("waits while the output is full and goes on once it is read", async () => {
    const out = new PassThrough();
    let done = false;
    const writing = write(out, chunk).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    out.resume();
    await writing;
    expect(done).toBe(true);
  });

  it("fails when the output closes while it waits, or is closed already", async () => {
    const out = new PassThrough();
    const writing = write(out, chunk);
    setTimeout(() => out.destroy(), 20);
    await expect(writing).rejects.toThrow("output closed");
    await expect(write(out, chunk)).rejects.toThrow("output closed");
  });
});
