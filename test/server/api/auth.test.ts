// Credentials on the admin API: every /api/v1 route in the OpenAPI document refuses a request without
// valid credentials; officers sign in with a single-use, short-lived link and get a session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

let rt: Runtime;
const P = uniquePrefix();

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, `${P}-XA`, "commune");
});
afterAll(async () => {
  await rt?.close();
});

type Doc = { paths: Record<string, Record<string, unknown>> };

async function operations(): Promise<{ method: string; url: string }[]> {
  const res = await rt.app.inject({ method: "GET", url: "/api/docs/json" });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as Doc;
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith("/api/v1/"))
    .flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{[^}]+\}/g, `${P}-XA`) })),
    );
}

describe("the OpenAPI document", () => {
  it("is served at /api/docs/json and browsable at /api/docs", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(10);
    expect(ops).toContainEqual({ method: "GET", url: "/api/v1/units" });
    const ui = await rt.app.inject({ method: "GET", url: "/api/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers["content-type"]).toContain("text/html");
  });
});

describe("every /api/v1 route", () => {
  it("answers 401 with the one error shape without credentials, with a wrong token, or with an ended session", async () => {
    const ops = await operations();
    for (const op of ops) {
      for (const headers of [{}, { authorization: "Bearer wrong-token-wrong-token" }, { authorization: "Basic abc" }, { cookie: "cdht_admin=nope" }]) {
        const res = await rt.app.inject({ method: op.method as "GET", url: op.url, headers, payload: op.method === "GET" ? undefined : {} });
        expect(res.statusCode, `${op.method} ${op.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      }
    }
  });

  it("lets the administrator in with ADMIN_TOKEN", async () => {
    const res = await rt.app.inject({ method: "GET", url: "/api/v1/me", headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: "admin", units: [] });
  });
});

describe("officer sign-in links", () => {
  it("give a session scoped to the officer's units, once, and sign-out ends it", async () => {
    const personId = await insertOfficer(rt.db.pool, [`${P}-XA`]);
    const link = await createSignInLink(rt.db.pool, personId, rt.config.publicBaseUrl);
    expect(link!.url).toMatch(/\/dashboard\/sign-in\?token=/);
    const signIn = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
    expect(signIn.statusCode).toBe(200);
    const { token } = signIn.json() as { token: string };
    const me = await rt.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toEqual({ kind: "officer", units: [{ code: `${P}-XA`, name: `Đơn vị ${P}-XA` }] });

    const again = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe("link_invalid");

    const out = await rt.app.inject({ method: "POST", url: "/api/v1/sign-out", headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(204);
    const after = await rt.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it("expire after 15 minutes, and are refused to people who are no active officer", async () => {
    const personId = await insertOfficer(rt.db.pool, [`${P}-XA`]);
    const old = await createSignInLink(rt.db.pool, personId, rt.config.publicBaseUrl, new Date(Date.now() - 16 * 60_000));
    const res = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: old!.token } });
    expect(res.statusCode).toBe(401);

    const fresh = await createSignInLink(rt.db.pool, personId, rt.config.publicBaseUrl);
    await rt.db.pool.query(`UPDATE officers SET active = false WHERE person_id = $1`, [personId]);
    const inactive = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: fresh!.token } });
    expect(inactive.statusCode).toBe(401);
    expect(await createSignInLink(rt.db.pool, personId, rt.config.publicBaseUrl)).toBeUndefined();
  });

  it("are created by the administrator through the API (audited), and the body is checked", async () => {
    const personId = await insertOfficer(rt.db.pool, [`${P}-XA`]);
    const res = await rt.app.inject({ method: "POST", url: "/api/v1/sign-in-links", headers: admin, payload: { personId } });
    expect(res.statusCode).toBe(201);
    const { rows } = await rt.db.pool.query(`SELECT actor_kind FROM audit_log WHERE action = 'sign_in_link.create' AND details->>'personId' = $1`, [personId]);
    expect(rows).toEqual([{ actor_kind: "admin" }]);
    const bad = await rt.app.inject({ method: "POST", url: "/api/v1/sign-in-links", headers: admin, payload: { personId: "x" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
    const short = await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: "not json", headers: { "content-type": "application/json" } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBeTypeOf("string");
  });
});
