// The runtime owns its clients: closing it leaves no Redis connection of its own open (BullMQ keeps a
// connection it was handed open, so each worker's own connection must go with the worker), and a
// process that closed its runtime can end.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../../server/logger.ts";
import { createRedis } from "../../server/redis.ts";
import { createRuntime } from "../../server/runtime.ts";
import { testConfig } from "../support/env.ts";
import { waitFor } from "../support/processes.ts";

const admin = createRedis(inject("redisUrl"));
afterAll(() => admin.disconnect());

async function connectionsNamed(name: string): Promise<number> {
  const list = String(await admin.call("CLIENT", "LIST", "TYPE", "normal"));
  // BullMQ names a worker's connections after the queue: "<name>:<queue>".
  return list.split("\n").filter((line) => line.includes(` name=${name} `) || line.includes(` name=${name}:`)).length;
}

describe("runtime", () => {
  it("closes every Redis connection it opened, the workers' included", async () => {
    const prefix = `${inject("redisPrefix")}_rt${randomBytes(3).toString("hex")}`;
    const config = testConfig({ REDIS_PREFIX: prefix, ROLE: "all" });
    const sender = { channel: "web" as const, globalPerSecond: 30, perRecipientIntervalMs: 0, send: async () => ({ ok: true as const, platformMessageId: "1" }) };
    const rt = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500, senders: [sender] });
    await rt.start();
    // The delivery workers (replies, bulk, acknowledgements: a connection of ours and BullMQ's blocking
    // one each), the scheduler's, the catalog's subscriber, the probe and the enqueue connection are up.
    await waitFor(async () => ((await connectionsNamed(prefix)) >= 8 ? true : undefined), 10_000, "the runtime's connections");
    await rt.close();
    await waitFor(async () => ((await connectionsNamed(prefix)) === 0 ? true : undefined), 5_000, "no connection left");
    expect(await connectionsNamed(prefix)).toBe(0);
  });
});
