// Pruning: old inbound event ids and old finished outbox rows go; recent rows and undelivered rows stay;
// a pruned event id no longer counts as a duplicate only after its retention.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPool } from "../../../server/db/client.ts";
import { pruneOnce } from "../../../server/maintenance/retention.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 3 });
afterAll(() => pool.end());

const tag = randomBytes(4).toString("hex");
const DAYS = { inboundDays: 30, outboxDays: 180 };
const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

async function inbound(id: string, receivedAt: Date) {
  await pool.query(`INSERT INTO inbound_events (channel, external_event_id, received_at) VALUES ('telegram', $1, $2)`, [id, receivedAt]);
}
async function outbox(key: string, status: string, createdAt: Date) {
  await pool.query(
    `INSERT INTO outbox (channel, recipient, payload, idempotency_key, status, created_at) VALUES ('telegram', $1, '{"kind":"message","message":{"text":"x"}}', $2, $3::outbox_status, $4)`,
    [`r-${tag}`, key, status, createdAt],
  );
}

describe("pruneOnce", () => {
  it("deletes only what is past its retention and finished", async () => {
    await inbound(`old-${tag}`, ago(31));
    await inbound(`recent-${tag}`, ago(29));
    for (const status of ["sent", "failed", "uncertain", "pending", "sending"]) await outbox(`old-${status}-${tag}`, status, ago(181));
    await outbox(`recent-sent-${tag}`, "sent", ago(179));

    const pruned = await pruneOnce(pool, DAYS);
    expect(pruned.ran).toBe(true);
    expect(pruned.inboundEvents).toBeGreaterThanOrEqual(1);
    expect(pruned.outboxRows).toBeGreaterThanOrEqual(3);

    const { rows: events } = await pool.query(`SELECT external_event_id FROM inbound_events WHERE external_event_id LIKE $1 ORDER BY 1`, [`%-${tag}`]);
    expect(events.map((r) => r.external_event_id)).toEqual([`recent-${tag}`]);
    const { rows: left } = await pool.query(`SELECT idempotency_key FROM outbox WHERE recipient = $1 ORDER BY id`, [`r-${tag}`]);
    expect(left.map((r) => r.idempotency_key)).toEqual([`old-pending-${tag}`, `old-sending-${tag}`, `recent-sent-${tag}`]);
  });

  it("deletes system event ids past the inbound retention and expired button tokens", async () => {
    await pool.query(`INSERT INTO system_events (event_id, received_at) VALUES ($1, $2), ($3, $4)`, [`s-old-${tag}`, ago(31), `s-new-${tag}`, ago(29)]);
    await pool.query(`INSERT INTO button_tokens (token, data, expires_at) VALUES ($1, 'R.st', $2), ($3, 'R.st', $4)`, [
      `~old${tag}`, ago(1), `~new${tag}`, ago(-1),
    ]);
    const pruned = await pruneOnce(pool, DAYS);
    expect(pruned.systemEvents).toBeGreaterThanOrEqual(1);
    expect(pruned.buttonTokens).toBeGreaterThanOrEqual(1);
    const { rows: events } = await pool.query(`SELECT event_id FROM system_events WHERE event_id LIKE $1`, [`%-${tag}`]);
    expect(events.map((r) => r.event_id)).toEqual([`s-new-${tag}`]);
    const { rows: tokens } = await pool.query(`SELECT token FROM button_tokens WHERE token LIKE $1`, [`%${tag}`]);
    expect(tokens.map((r) => r.token)).toEqual([`~new${tag}`]);
  });

  it("leaves the work to the process that holds the lock", async () => {
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(724460913)");
      await inbound(`locked-${tag}`, ago(40));
      expect(await pruneOnce(pool, DAYS)).toEqual({ inboundEvents: 0, outboxRows: 0, systemEvents: 0, buttonTokens: 0, webUploads: 0, ran: false });
      expect((await pool.query(`SELECT 1 FROM inbound_events WHERE external_event_id = $1`, [`locked-${tag}`])).rowCount).toBe(1);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect((await pruneOnce(pool, DAYS)).ran).toBe(true);
    expect((await pool.query(`SELECT 1 FROM inbound_events WHERE external_event_id = $1`, [`locked-${tag}`])).rowCount).toBe(0);
  });
});
