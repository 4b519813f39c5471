// LuaScript: a script runs by its SHA1 once the server knows it, and is sent in full the first time
// (or after the server forgot its scripts) – the caller sees the same result either way.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedis, LuaScript } from "../../server/redis.ts";

const redis = createRedis(inject("redisUrl"));
afterAll(() => redis.disconnect());

describe("LuaScript", () => {
  it("runs a script the server does not know yet, then by its SHA1", async () => {
    const script = new LuaScript(`-- ${randomBytes(8).toString("hex")}\nreturn tonumber(ARGV[1]) + #KEYS`);
    expect(await redis.script("EXISTS", script.sha)).toEqual([0]);
    expect(await script.run(redis, ["a", "b"], [40])).toBe(42);
    expect(await redis.script("EXISTS", script.sha)).toEqual([1]);
    expect(await script.run(redis, ["a"], [41])).toBe(42);
  });

  it("passes a script's own error through", async () => {
    const script = new LuaScript(`-- ${randomBytes(8).toString("hex")}\nreturn redis.error_reply("NOPE not today")`);
    await expect(script.run(redis, [], [])).rejects.toThrow(/NOPE not today/);
  });
});
