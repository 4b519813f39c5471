// batch(): several statements in one round trip, every value a bound parameter. Round trips are counted
// by time through a proxy of the test's own that delays each direction by 60 ms.
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../../server/db/client.ts";
import { batch, prepared, sql } from "../../../server/db/statement.ts";
import { hostPort, startTcpProxy, viaProxy, type TcpProxy } from "../../support/tcp-proxy.ts";

const DELAY = 60;
let proxy: TcpProxy;
let pool: pg.Pool;
beforeAll(async () => {
  proxy = await startTcpProxy(hostPort(inject("databaseUrl")), DELAY);
  pool = createPool({ url: viaProxy(inject("databaseUrl"), proxy), max: 2 });
  await pool.query("SELECT 1");
});
afterAll(async () => {
  await pool.end();
  await proxy.close();
});

describe("batch", () => {
  it("sends a transaction of eight statements in one round trip", async () => {
    const client = await pool.connect();
    try {
      const id = `batch-${randomInt(1e9)}`;
      const started = Date.now();
      const results = await batch(client, [
        "BEGIN",
        sql(`INSERT INTO inbound_events (channel, external_event_id) VALUES ($1::channel, $2)`, "web", id),
        ...Array.from({ length: 5 }, (_, i) => sql(`SELECT $1::int + $2::int AS n`, i, 1)),
        "ROLLBACK",
      ]);
      const elapsed = Date.now() - started;
      expect(results.map((r) => r.rows[0]?.n)).toEqual([undefined, undefined, 1, 2, 3, 4, 5, undefined]);
      // One round trip is 2 × 60 ms; two would be 240 ms.
      expect(elapsed).toBeGreaterThanOrEqual(2 * DELAY);
      expect(elapsed).toBeLessThan(4 * DELAY);
    } finally {
      client.release();
    }
  });

  it("hands the whole batch to the socket in one write", async () => {
    const client = await pool.connect();
    try {
      // The kernel merges small writes on their way, so count the socket's writes where Node makes them.
      const socket = (client as unknown as { connection: { stream: Record<"_write" | "_writev", (...args: unknown[]) => unknown> } }).connection.stream;
      let writes = 0;
      const own = { _write: socket._write, _writev: socket._writev };
      for (const name of ["_write", "_writev"] as const) {
        socket[name] = (...args: unknown[]) => {
          writes++;
          return own[name].apply(socket, args);
        };
      }
      try {
        await batch(client, ["BEGIN", ...Array.from({ length: 6 }, (_, i) => sql(`SELECT $1::int AS n`, i)), "ROLLBACK"]);
      } finally {
        // The wrappers shadowed the prototype's methods: removing them restores those.
        delete (socket as Partial<typeof socket>)._write;
        delete (socket as Partial<typeof socket>)._writev;
      }
      // Eight statements, each several protocol messages: one write, not one per statement.
      expect(writes).toBe(1);
    } finally {
      client.release();
    }
  });

  it("parses a statement once per connection: later batches only bind and execute it", async () => {
    const client = await pool.connect();
    try {
      const text = `SELECT $1::int * 2 AS n /* ${randomInt(1e9)} */`;
      proxy.takeSent();
      const [first] = await batch(client, [sql(text, 2)]);
      const firstWire = frontendMessages(proxy.takeSent());
      const [second] = await batch(client, [sql(text, 5)]);
      const secondWire = frontendMessages(proxy.takeSent());
      expect([first!.rows[0].n, second!.rows[0].n]).toEqual([4, 10]);
      expect(firstWire.map((m) => m.type)).toEqual(["P", "B", "D", "E", "S"]);
      expect(secondWire.map((m) => m.type)).toEqual(["B", "D", "E", "S"]);
    } finally {
      client.release();
    }
  });

  it("runs a single prepared() statement parsed once per connection too", async () => {
    const client = await pool.connect();
    try {
      const text = `SELECT $1::int + 1 AS n /* ${randomInt(1e9)} */`;
      proxy.takeSent();
      const first = await prepared(client, sql(text, 1));
      const firstWire = frontendMessages(proxy.takeSent());
      const second = await prepared(client, sql(text, 41));
      const secondWire = frontendMessages(proxy.takeSent());
      expect([first.rows[0].n, second.rows[0].n]).toEqual([2, 42]);
      expect(firstWire.map((m) => m.type)).toContain("P");
      expect(secondWire.map((m) => m.type)).not.toContain("P");
    } finally {
      client.release();
    }
  });

  it("sends values as bound parameters, never in the SQL text, and stores them verbatim", async () => {
    const client = await pool.connect();
    try {
      const hostile = `x'); DROP TABLE outbox; -- $1 \\' "`;
      proxy.takeSent();
      const [, inserted] = await batch(client, [
        "BEGIN",
        sql(`INSERT INTO inbound_events (channel, external_event_id) VALUES ('web', $1) RETURNING external_event_id`, hostile),
        "ROLLBACK",
      ]);
      expect(inserted!.rows[0].external_event_id).toBe(hostile);
      const messages = frontendMessages(proxy.takeSent());
      const withValue = messages.filter((m) => m.body.includes(Buffer.from(hostile)));
      expect(withValue.map((m) => m.type)).toEqual(["B"]);
      expect(messages.find((m) => m.type === "P")!.body.toString()).toContain("VALUES ('web', $1)");
    } finally {
      client.release();
    }
  });

  it("reports the first failing statement's error (a NUL byte) and leaves the connection usable", async () => {
    const client = await pool.connect();
    try {
      const failed = batch(client, ["BEGIN", sql(`SELECT $1::text AS t`, "a\u0000b"), sql(`SELECT 1 AS n`), "COMMIT"]);
      await expect(failed).rejects.toMatchObject({ code: "22021" });
      await client.query("ROLLBACK");
      expect((await client.query("SELECT 2 AS n")).rows[0].n).toBe(2);
    } finally {
      client.release();
    }
  });
});

/** Splits what a client sent into protocol messages: a type byte, a length, the body. */
function frontendMessages(wire: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; at + 5 <= wire.length; ) {
    const length = wire.readInt32BE(at + 1);
    out.push({ type: String.fromCharCode(wire[at]!), body: wire.subarray(at + 5, at + 1 + length) });
    at += 1 + length;
  }
  return out;
}
