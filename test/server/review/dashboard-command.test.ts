// /dashboard in chat: an active officer gets a short-lived, single-use sign-in link as the reply, and it
// signs them in to the admin API scoped to their units; anyone else gets a clear message and no link is
// stored. Real web chat, pipeline and outbox against this run's PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../server/runtime.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { reviewRuntime, webOfficerOf, WebUser } from "../../support/review-chat.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let unit: { code: string; name: string };
const UNIT_NAME = "Xã Bảng Điều Khiển";

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await reviewRuntime(fake);
  unit = { ...(await addUnit(rt.db.pool, UNIT_NAME)), name: UNIT_NAME };
  await rt.units.refresh();
});
afterAll(async () => {
  await rt?.close();
  await fake?.stop();
});

const linksOf = async (account: string) =>
  Number((await rt.db.pool.query(
    `SELECT count(*) FROM sign_in_links s JOIN channel_accounts a ON a.person_id = s.person_id WHERE a.channel = 'web' AND a.external_id = $1`,
    [account],
  )).rows[0].count);
const tokenIn = (text: string) => /\/dashboard\/sign-in\?token=([A-Za-z0-9_%-]+)/.exec(text)?.[1];

describe("/dashboard in chat", () => {
  it("gives an officer a single-use sign-in link that opens a session for their unit", async () => {
    const officer = await webOfficerOf(rt, unit.code);
    const reply = officer.texts(await officer.say("/dashboard"));
    expect(reply).toContain("Trang quản lý");
    expect(reply).toContain("15 phút");
    const token = decodeURIComponent(tokenIn(reply)!);
    expect(reply).toContain(`${rt.config.publicBaseUrl}/dashboard/sign-in?token=`);

    const signIn = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token } });
    expect(signIn.statusCode).toBe(200);
    const me = await rt.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${signIn.json().token}` } });
    expect(me.json()).toEqual({ kind: "officer", units: [{ code: unit.code, name: unit.name }] });
    const again = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token } });
    expect(again.statusCode).toBe(401);

    // The Vietnamese word works as well, and each request gives a new link.
    const typed = officer.texts(await officer.say("trang quản lý"));
    expect(tokenIn(typed)).toBeDefined();
    expect(decodeURIComponent(tokenIn(typed)!)).not.toBe(token);
  });

  it("tells a citizen, before and after consent, whom the dashboard is for, and stores no link", async () => {
    const citizen = new WebUser(() => rt);
    await citizen.open();
    await citizen.start();
    expect(citizen.texts(await citizen.say("/dashboard"))).toContain("Trang quản lý dành cho cán bộ phụ trách đơn vị");
    await citizen.tap("c.y");
    const after = citizen.texts(await citizen.say("/dashboard"));
    expect(after).toContain("Trang quản lý dành cho cán bộ phụ trách đơn vị");
    expect(tokenIn(after)).toBeUndefined();
    expect((await citizen.state())?.consentVersion).toBeDefined();
    expect(await linksOf(citizen.web.account)).toBe(0);
  });

  it("gives no link to a deactivated officer", async () => {
    const officer = await webOfficerOf(rt, unit.code);
    await rt.db.pool.query(
      `UPDATE officers SET active = false WHERE person_id = (SELECT person_id FROM channel_accounts WHERE channel = 'web' AND external_id = $1)`,
      [officer.web.account],
    );
    const reply = officer.texts(await officer.say("/dashboard"));
    expect(reply).toContain("Trang quản lý dành cho cán bộ phụ trách đơn vị");
    expect(tokenIn(reply)).toBeUndefined();
    expect(await linksOf(officer.web.account)).toBe(0);
  });
});
