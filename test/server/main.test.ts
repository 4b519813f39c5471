import { describe, expect, it } from "vitest";
import { testEnv } from "../support/env.ts";
import { freePort, runEntry, waitFor } from "../support/processes.ts";

describe("the server process", () => {
  it("refuses to start with a malformed DATABASE_URL and says so", async () => {
    const proc = runEntry("server/main.ts", testEnv({ DATABASE_URL: "not a url" }));
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/DATABASE_URL: must be a URL/);
  });

  it("refuses to start when DATABASE_URL cannot be reached and names it", async () => {
    const proc = runEntry("server/main.ts", testEnv({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/cdht" }));
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/DATABASE_URL: cannot connect to postgresql:\/\/postgres@127\.0\.0\.1:1\/cdht/);
  });

  it("serves /readyz and exits 0 within 10 s of SIGTERM", async () => {
    const port = await freePort();
    const proc = runEntry("server/main.ts", testEnv({ PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" }));
    const res = await waitFor(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      return r.status === 200 ? r : undefined;
    }, 20_000, "server ready");
    expect(await res.json()).toMatchObject({ status: "ready" });
    proc.child.kill("SIGTERM");
    const t0 = Date.now();
    const { code } = await proc.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
  }, 40_000);
});
