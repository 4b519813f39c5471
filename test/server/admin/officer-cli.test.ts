// `npm run admin -- officer …` as a real process against a database of its own: the invitation's three
// ways in, listing, deactivation, refusals that change nothing.
import { describe, expect, it } from "vitest";
import { acceptInvitation, invitationSecretOf } from "../../../server/officers/invitations.ts";
import { useScratchDatabase } from "../../support/scratch-database.ts";

const db = useScratchDatabase(
  "officers",
  { TELEGRAM_BOT_USERNAME: "cdht_test_bot", PUBLIC_BASE_URL: "https://hoc.example.vn", OFFICER_INVITE_DAYS: "5" },
  (pool) => pool.query(`INSERT INTO units (code, name, kind) VALUES ('XA-HOA-BINH', 'Xã Hòa Bình', 'commune')`),
);
const adminCli = (args: string[]) => db.adminCli(args);

async function person(name: string): Promise<string> {
  const { rows } = await db.pool.query(`INSERT INTO people (full_name, consent_version, consent_at) VALUES ($1, 'v1', now()) RETURNING id`, [name]);
  return rows[0].id;
}

describe("npm run admin -- officer", () => {
  it("invites with a Telegram link, a web chat link and a Zalo code; the officer is listed once accepted, then deactivated", async () => {
    const started = Date.now();
    const r = await adminCli(["officer", "invite", "--unit", "xa-hoa-binh", "--role", "lead"]);
    expect(r.code, r.output).toBe(0);
    const telegram = r.output.match(/https:\/\/t\.me\/cdht_test_bot\?start=(o_[A-Za-z0-9_-]{32})\b/);
    const web = r.output.match(/https:\/\/hoc\.example\.vn\/chat\?o=([A-Za-z0-9_-]{32})\b/);
    const zalo = r.output.match(/type (CB-[0-9A-Z]{5}-[0-9A-Z]{5}) in/);
    expect(telegram && web && zalo, r.output).toBeTruthy();
    expect(telegram![1]).toBe(`o_${web![1]}`);
    expect(r.output).toContain("lead of XA-HOA-BINH (Xã Hòa Bình)");
    const { rows: inv } = await db.pool.query(`SELECT * FROM officer_invitations`);
    expect(inv).toHaveLength(1);
    expect(JSON.stringify(inv)).not.toContain(web![1]);
    const lifetime = (inv[0].expires_at as Date).getTime() - started;
    expect(lifetime).toBeGreaterThan(5 * 86_400_000 - 60_000);
    expect(lifetime).toBeLessThan(5 * 86_400_000 + 60_000);

    const officer = await person("Nguyễn Văn Trưởng");
    expect(await acceptInvitation(db.pool, { secret: invitationSecretOf(telegram![1]!)!, personId: officer, now: new Date() })).toMatchObject({ ok: true });
    // The Zalo code of the same invitation is spent with it.
    expect(await acceptInvitation(db.pool, { secret: invitationSecretOf(zalo![1]!)!, personId: await person("Người khác"), now: new Date() })).toMatchObject({ ok: false, code: "used" });

    const listed = await adminCli(["officer", "list", "--unit", "XA-HOA-BINH"]);
    expect(listed.code, listed.output).toBe(0);
    const line = listed.output.trim().split("\n");
    expect(line).toHaveLength(1);
    const [id, unit, role, active, name] = line[0]!.split("\t");
    expect([unit, role, active, name]).toEqual(["XA-HOA-BINH", "lead", "active", "Nguyễn Văn Trưởng"]);

    const off = await adminCli(["officer", "deactivate", "--id", id!]);
    expect(off.code, off.output).toBe(0);
    expect(off.output).toContain("deactivated Nguyễn Văn Trưởng as officer of XA-HOA-BINH");
    expect((await adminCli(["officer", "list"])).output).toContain("\tinactive\t");
    const uncovered = await adminCli(["officer", "uncovered"]);
    expect(uncovered.output).toContain("XA-HOA-BINH\tXã Hòa Bình\t0 pending\tNOBODY receives its submissions");
  }, 60_000);

  it("honours --expires and refuses bad arguments without storing anything", async () => {
    const before = (await db.pool.query(`SELECT count(*)::int AS n FROM officer_invitations`)).rows[0].n;
    const bad = await adminCli(["officer", "invite", "--unit", "XA-HOA-BINH", "--role", "boss", "--expires", "forever"]);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("--role: one of officer, lead");
    expect(bad.output).toContain("--expires: a duration such as 7d");
    const unknown = await adminCli(["officer", "invite", "--unit", "NOWHERE"]);
    expect(unknown).toMatchObject({ code: 1, output: expect.stringContaining("no unit with code NOWHERE") });
    const missing = await adminCli(["officer", "deactivate"]);
    expect(missing).toMatchObject({ code: 1, output: expect.stringContaining("--id is required") });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM officer_invitations`)).rows[0].n).toBe(before);

    const short = await adminCli(["officer", "invite", "--unit", "XA-HOA-BINH", "--expires", "2h"]);
    expect(short.code, short.output).toBe(0);
    const { rows } = await db.pool.query(`SELECT expires_at - created_at AS life FROM officer_invitations ORDER BY created_at DESC LIMIT 1`);
    expect(rows[0].life).toMatchObject({ hours: 2 });
  }, 60_000);
});
