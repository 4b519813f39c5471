// TRUST_PROXY: X-Forwarded-For and X-Forwarded-Host are believed only from configured proxies. Off by
// default, a made-up X-Forwarded-For cannot spread one address's events over many per-IP counters, nor
// can X-Forwarded-Host pass the origin check; behind a trusted proxy, both are the client's.
import { afterEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../../../server/runtime.ts";
import { newClientEventId, WebCitizen } from "../../../support/web-citizen.ts";
import { webRuntime } from "../../../support/web-runtime.ts";

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

const limits = { ipEvents: { max: 3, windowMs: 60_000 } };

async function startsFrom(remote: string, forwardedFor: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const xff of forwardedFor) {
    const c = new WebCitizen(() => rt!, remote);
    await c.open();
    statuses.push((await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, { "x-forwarded-for": xff })).statusCode);
  }
  return statuses;
}

describe("per-IP limits and the origin check", () => {
  it("off by default: a made-up X-Forwarded-For does not escape the per-IP limit, X-Forwarded-Host does not pass the origin check", async () => {
    rt = await webRuntime({ limits });
    expect(rt.config.trustProxy).toBe(false);
    const statuses = await startsFrom("203.0.113.7", ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const c = new WebCitizen(() => rt!, "203.0.113.8");
    await c.open();
    const res = await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, { origin: "https://xa.example", host: "app:3000", "x-forwarded-host": "xa.example" });
    expect(res.statusCode).toBe(403);
  });

  it("behind a trusted proxy, the forwarded client address and host count", async () => {
    rt = await webRuntime({ limits }, { TRUST_PROXY: "127.0.0.1" });
    expect(rt.config.trustProxy).toEqual(["127.0.0.1"]);
    expect(await startsFrom("127.0.0.1", ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"])).toEqual([200, 200, 200, 200, 200]);
    expect(await startsFrom("127.0.0.1", ["9.9.9.9", "9.9.9.9", "9.9.9.9", "9.9.9.9"])).toEqual([200, 200, 200, 429]);
    const c = new WebCitizen(() => rt!, "127.0.0.1");
    await c.open();
    const res = await c.post("/chat/api/events", { clientEventId: newClientEventId(), type: "start" }, { origin: "https://xa.example", host: "app:3000", "x-forwarded-host": "xa.example" });
    expect(res.statusCode).toBe(200);
  });
});
