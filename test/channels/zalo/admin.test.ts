import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseSetTokensArgs, setZaloTokens } from "../../../server/channels/zalo/admin.ts";
import { ZaloTokenStore } from "../../../server/channels/zalo/tokens.ts";
import { createPool } from "../../../server/db/client.ts";
import { createRedis } from "../../../server/redis.ts";

const ACCESS = "aCcEsS_" + "x".repeat(40);
const REFRESH = "rEfReSh_" + "y".repeat(40);

describe("parseSetTokensArgs", () => {
  it("reads --access, --refresh and --expires-in (both spellings), defaulting to 25 h", () => {
    expect(parseSetTokensArgs(["--access", ACCESS, "--refresh", REFRESH, "--expires-in", "90000"])).toEqual({
      ok: true,
      args: { access: ACCESS, refresh: REFRESH, expiresIn: 90_000 },
    });
    expect(parseSetTokensArgs([`--access=${ACCESS}`, `--refresh=${REFRESH}`])).toEqual({
      ok: true,
      args: { access: ACCESS, refresh: REFRESH, expiresIn: 90_000 },
    });
  });

  it("lists every problem and the usage", () => {
    const r = parseSetTokensArgs(["--access", "short", "--expires-in", "soon", "--bogus"]);
    expect(r.ok).toBe(false);
    const problems = (r as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("unknown argument"),
        expect.stringContaining("--access does not look"),
        "--refresh is required",
        expect.stringContaining("--expires-in"),
        expect.stringContaining("usage:"),
      ]),
    );
    expect(parseSetTokensArgs(["--access"])).toMatchObject({ ok: false });
  });
});

describe("setZaloTokens", () => {
  const pool = createPool({ url: inject("databaseUrl"), max: 1 });
  const redis = createRedis(inject("redisUrl"));
  afterAll(async () => {
    await pool.end();
    redis.disconnect();
  });

  it("stores the pair through the store and reports without printing the tokens", async () => {
    const store = new ZaloTokenStore({
      pool,
      redis,
      redisPrefix: inject("redisPrefix"),
      appId: `admin-${randomBytes(4).toString("hex")}`,
      tokenKey: randomBytes(32).toString("hex"),
      refresher: { refreshToken: async () => { throw new Error("not expected"); } },
    });
    const parsed = parseSetTokensArgs(["--access", ACCESS, "--refresh", REFRESH, "--expires-in", "3600"]);
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    const { summary, pair } = await setZaloTokens(store, parsed.args);
    expect(summary).not.toContain(ACCESS);
    expect(summary).not.toContain(REFRESH);
    expect(pair.accessExpiresAt.getTime() - Date.now()).toBeGreaterThan(3_590_000);
    expect(await store.load()).toMatchObject({ accessToken: ACCESS, refreshToken: REFRESH });
  });
});
