// The dashboard's older forms – sign-in (administrator's token, officer's link), sign-out, criteria upload
// and publish – refuse a POST from another site's page by its Origin, as the web chat and the campaign
// buttons do: a 403 page saying nothing was done, and the tables show nothing changed (no session, the
// link not used up, still signed in, no set stored, the draft not published). From this site (Origin
// PUBLIC_BASE_URL) the same forms work. Own database: sessions and criteria sets are counted.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { SESSION_COOKIE } from "../../../server/api/auth.ts";
import { createSignInLink } from "../../../server/api/sessions.ts";
import { createLogger } from "../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../server/runtime.ts";
import { ADMIN_TOKEN, insertOfficer, insertUnit } from "../../support/admin-api.ts";
import { testConfig } from "../../support/env.ts";
import { ownDatabase, type OwnDatabase } from "../../support/own-database.ts";

const SITE = "https://cdht.example.vn";
const ELSEWHERE = ["https://evil.example", "null"];
const REFUSED_VI = "Yêu cầu này không được gửi từ trang bảng điều khiển nên không được thực hiện; không có gì thay đổi.";
let db: OwnDatabase;
let rt: Runtime;
let worker: CriteriaSet;

beforeAll(async () => {
  db = await ownDatabase("samesite");
  const config = testConfig({ DATABASE_URL: db.url, ADMIN_TOKEN, PUBLIC_BASE_URL: SITE, REDIS_PREFIX: `${testConfig().redisPrefix}_ss${randomBytes(3).toString("hex")}` });
  rt = await createRuntime(config, createLogger(config), { workers: false });
  await insertUnit(db.pool, "XA-S", "commune");
  worker = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await db?.drop();
});

/** A form as a browser posts it: urlencoded fields, and the Origin of the page it was on (none: not a browser). */
const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  rt.app.inject({ method: "POST", url, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, payload: new URLSearchParams(fields).toString() });
const one = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0];
const sessions = async () => (await one(`SELECT count(*)::int AS n FROM admin_sessions`)).n as number;
const audited = async (action: string) => (await one(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1`, [action])).n as number;

function cookieOf(res: { statusCode: number; headers: Record<string, unknown> }): string {
  expect(res.statusCode).toBe(303);
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(String(res.headers["set-cookie"]))?.[1];
  expect(value).toBeTruthy();
  return `${SESSION_COOKIE}=${value}`;
}

function refused(res: { statusCode: number; body: string; headers: Record<string, unknown> }, text = REFUSED_VI): void {
  expect(res.statusCode).toBe(403);
  expect(res.body).toContain(text);
  expect(res.headers["set-cookie"]).toBeUndefined();
}

const adminCookie = async () => cookieOf(await post("/dashboard/sign-in", { token: ADMIN_TOKEN }, { origin: SITE }));
const signedIn = async (cookie: string) => (await rt.app.inject({ method: "GET", url: "/dashboard", headers: { cookie } })).statusCode === 200;

describe("dashboard forms posted from another site", () => {
  it("sign-in with the administrator's token: refused, no session and no audit entry; from this site it signs in", async () => {
    const before = await sessions();
    for (const origin of ELSEWHERE) refused(await post("/dashboard/sign-in", { token: ADMIN_TOKEN }, { origin }));
    refused(await post("/dashboard/sign-in?lang=en", { token: ADMIN_TOKEN }, { origin: ELSEWHERE[0]! }), "This request did not come from the dashboard&#39;s page, so it was not carried out");
    expect(await sessions()).toBe(before);
    expect(await audited("dashboard.sign_in")).toBe(0);

    expect(await signedIn(await adminCookie())).toBe(true);
    expect(await sessions()).toBe(before + 1);
  });

  it("sign-in with an officer's link: refused, and the link is not used up", async () => {
    const officer = await insertOfficer(db.pool, ["XA-S"]);
    const link = (await createSignInLink(db.pool, officer, SITE))!;
    refused(await post("/dashboard/sign-in", { link: link.token }, { origin: ELSEWHERE[0]! }));
    expect(await one(`SELECT used_at FROM sign_in_links WHERE person_id = $1`, [officer])).toEqual({ used_at: null });
    expect(await one(`SELECT count(*)::int AS n FROM admin_sessions WHERE person_id = $1`, [officer])).toEqual({ n: 0 });

    const cookie = cookieOf(await post("/dashboard/sign-in", { link: link.token }, { origin: SITE }));
    expect(await signedIn(cookie)).toBe(true);
  });

  it("sign-out: refused, and the administrator stays signed in", async () => {
    const cookie = await adminCookie();
    const before = await sessions();
    refused(await post("/dashboard/sign-out", {}, { cookie, origin: ELSEWHERE[0]! }));
    expect(await sessions()).toBe(before);
    expect(await signedIn(cookie)).toBe(true);

    expect((await post("/dashboard/sign-out", {}, { cookie, origin: SITE })).statusCode).toBe(303);
    expect(await signedIn(cookie)).toBe(false);
  });

  it("criteria upload: refused, nothing stored", async () => {
    const cookie = await adminCookie();
    const next = { ...structuredClone(worker), version: "2099.41" };
    const stored = async () => (await one(`SELECT count(*)::int AS n FROM criteria_sets WHERE version = $1`, [next.version])).n as number;
    refused(await post("/dashboard/criteria", { set: JSON.stringify(next) }, { cookie, origin: ELSEWHERE[0]! }));
    expect(await stored()).toBe(0);
    expect(await audited("criteria.upload")).toBe(0);

    expect((await post("/dashboard/criteria", { set: JSON.stringify(next) }, { cookie, origin: SITE })).statusCode).toBe(303);
    expect(await stored()).toBe(1);
  });

  it("criteria publish: refused, the draft stays a draft and the current set is unchanged", async () => {
    const cookie = await adminCookie();
    const next = { ...structuredClone(worker), version: "2099.42" };
    const uploaded = await post("/dashboard/criteria", { set: JSON.stringify(next) }, { cookie, origin: SITE });
    expect(uploaded.statusCode).toBe(303);
    const preview = String(uploaded.headers.location);
    const status = async () => (await one(`SELECT status::text FROM criteria_sets WHERE version = $1`, [next.version])).status as string;

    refused(await post(`${preview}/publish`, {}, { cookie, origin: ELSEWHERE[0]! }));
    expect(await status()).toBe("draft");
    expect(await audited("criteria.publish")).toBe(0);
    await rt.criteria.refresh();
    expect(rt.criteria.current("worker")?.version).toBe(worker.version);

    expect((await post(`${preview}/publish`, {}, { cookie, origin: SITE })).statusCode).toBe(303);
    expect(await status()).toBe("published");
  });
});
