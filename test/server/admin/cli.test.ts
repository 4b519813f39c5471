// The admin command line, run as a real process against a database of its own.
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createZaloTokens } from "../../../server/channels/zalo/wiring.ts";
import { createRedis } from "../../../server/redis.ts";
import { testConfig } from "../../support/env.ts";
import { useScratchDatabase } from "../../support/scratch-database.ts";

const db = useScratchDatabase("admin");
const ZALO = { ZALO_APP_ID: `app${randomBytes(3).toString("hex")}`, ZALO_OA_SECRET_KEY: "oa-secret", ZALO_TOKEN_KEY: randomBytes(32).toString("hex") };
const adminCli = (args: string[], extra: Record<string, string> = {}) => db.adminCli(args, extra);

const unitCount = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n as number;

describe("npm run admin -- unit", () => {
  it("adds a unit, lists it, and refuses a duplicate or a bad kind without changing anything", async () => {
    const added = await adminCli(["unit", "add", "--code", "xa-an-binh", "--name", "Xã An Bình", "--kind", "commune"]);
    expect(added.code, added.output).toBe(0);
    expect(added.output).toMatch(/^added unit XA-AN-BINH \(/);
    const child = await adminCli(["unit", "add", "--code", "THON-1", "--name", "Thôn 1", "--kind", "village", "--parent", "XA-AN-BINH"]);
    expect(child.code, child.output).toBe(0);

    const listed = await adminCli(["unit", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.output.trim().split("\n")).toEqual(["THON-1\tvillage\tThôn 1\tparent=XA-AN-BINH", "XA-AN-BINH\tcommune\tXã An Bình"]);

    const again = await adminCli(["unit", "add", "--code", "XA-AN-BINH", "--name", "Khác", "--kind", "commune"]);
    expect(again).toMatchObject({ code: 1, output: expect.stringContaining("exists already") });
    const bad = await adminCli(["unit", "add", "--code", "X", "--name", "Y", "--kind", "city"]);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("--code: 2–32 letters");
    expect(bad.output).toContain("--kind: one of province, commune, ward, special_zone, village, residential_group, agency, school, enterprise");
    const orphan = await adminCli(["unit", "add", "--code", "THON-2", "--name", "Thôn 2", "--kind", "village", "--parent", "NOWHERE"]);
    expect(orphan).toMatchObject({ code: 1, output: expect.stringContaining("no unit with code NOWHERE") });
    expect(await unitCount()).toBe(2);
  }, 30_000);

  it("prints the usage for an unknown command (exit 2)", async () => {
    const r = await adminCli(["unit", "remove"]);
    expect(r.code).toBe(2);
    expect(r.output).toContain("npm run admin -- zalo set-tokens");
  });
});

describe("npm run admin -- zalo set-tokens", () => {
  const ACCESS = `acc_${randomBytes(24).toString("base64url")}`;
  const REFRESH = `ref_${randomBytes(24).toString("base64url")}`;

  it("stores the pair encrypted, where the server's token store reads it, without printing the tokens", async () => {
    const r = await adminCli(["zalo", "set-tokens", "--access", ACCESS, "--refresh", REFRESH, "--expires-in", "7200"], ZALO);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("Stored a new Zalo token pair");
    expect(r.output).not.toContain(ACCESS);
    expect(r.output).not.toContain(REFRESH);
    const raw = JSON.stringify((await db.pool.query(`SELECT * FROM zalo_tokens`)).rows);
    expect(raw).not.toContain(ACCESS);
    const redis = createRedis(inject("redisUrl"));
    try {
      const { tokens } = createZaloTokens(testConfig({ ...db.env, ...ZALO }), db.pool, redis);
      const pair = await tokens.load();
      expect(pair).toMatchObject({ accessToken: ACCESS, refreshToken: REFRESH });
      expect(pair!.accessExpiresAt.getTime() - Date.now()).toBeGreaterThan(7_100_000);
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  it("refuses bad arguments or a missing key and stores nothing", async () => {
    const before = (await db.pool.query(`SELECT * FROM zalo_tokens`)).rows;
    const bad = await adminCli(["zalo", "set-tokens", "--access", "short"], ZALO);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("--refresh is required");
    const unkeyed = await adminCli(["zalo", "set-tokens", "--access", `${ACCESS}x`, "--refresh", `${REFRESH}x`]);
    expect(unkeyed).toMatchObject({ code: 1, output: expect.stringContaining("ZALO_TOKEN_KEY") });
    expect((await db.pool.query(`SELECT * FROM zalo_tokens`)).rows).toEqual(before);
  }, 30_000);
});
