// PostgreSQL down behind a proxy of the test's own: the web chat answers 503 with Retry-After (as it does
// while Redis is down), not 500, and works again when the database is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { hostPort, startTcpProxy, viaProxy, type TcpProxy } from "../../support/tcp-proxy.ts";
import { webRuntime } from "../../support/web-runtime.ts";
import { WebCitizen } from "../../support/web-citizen.ts";

let proxy: TcpProxy;
let rt: Runtime;
beforeAll(async () => {
  proxy = await startTcpProxy(hostPort(inject("databaseUrl")));
  rt = await webRuntime({}, { DATABASE_URL: viaProxy(inject("databaseUrl"), proxy) });
});
afterAll(async () => {
  proxy?.up();
  await rt?.close();
  await proxy?.close();
});

describe("web chat while PostgreSQL is down", () => {
  it("answers 503 with Retry-After, then works again when the database is back", async () => {
    const c = new WebCitizen(() => rt);
    await c.open();
    expect((await c.event({ type: "start" })).statusCode).toBe(200);
    proxy.down();
    for (const res of [await c.event({ type: "text", text: "xin chào" }), await c.get("/chat/api/messages?after=0"), await c.open()]) {
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("5");
      expect(res.json().error.code).toBe("unavailable");
    }
    proxy.up();
    expect((await c.event({ type: "text", text: "xin chào" })).statusCode).toBe(200);
  }, 30_000);
});
