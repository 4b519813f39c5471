import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZaloApiError, ZaloClient, ZaloNetworkError, type ZaloErrorKind } from "../../../server/channels/zalo/client.ts";
import { freePort } from "../../support/processes.ts";
import { startFakeZalo, type FakeZalo } from "../../support/fake-zalo.ts";

const USER = "2468458835296117922";
let fake: FakeZalo;
let client: ZaloClient;
let token: string;

beforeAll(async () => {
  fake = await startFakeZalo({ appId: "app-1", appSecretKey: "app-secret" });
  client = new ZaloClient({ apiBase: fake.url, oauthBase: `${fake.url}/`, appId: "app-1", appSecretKey: "app-secret", timeoutMs: 500 });
  token = fake.issuePair().accessToken;
});
afterAll(async () => {
  await fake.close();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("ZaloClient.sendMessage", () => {
  it("posts recipient + message with the access_token header and returns the message id", async () => {
    const { messageId } = await client.sendMessage(USER, { text: "Xin chào" }, token);
    expect(messageId).toMatch(/^m[0-9a-f]{8}$/);
    const call = fake.sends().at(-1)!;
    expect(call.method).toBe("POST");
    expect(call.headers["access_token"]).toBe(token);
    expect(call.headers["authorization"]).toBeUndefined();
    expect(call.json).toEqual({ recipient: { user_id: USER }, message: { text: "Xin chào" } });
    expect(call.body).toContain(`"user_id":"${USER}"`); // the id travels as a string
  });

  it.each<[number, ZaloErrorKind]>([
    [-216, "token"],
    [-220, "token"],
    [-230, "window"],
    [-213, "blocked"],
    [-227, "blocked"],
    [-232, "window"],
    [-32, "rate_limit"],
    [-234, "night_ban"],
    [-201, "bad_request"],
    [-211, "quota"],
    [-244, "blocked"],
    [-999, "unknown"],
  ])("maps error %i to kind %s", async (code, kind) => {
    fake.failNextSends(code);
    const error = await failure(client.sendMessage(USER, { text: "x" }, token));
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(error).toMatchObject({ code, kind });
  });

  it("an unknown access token is -216 (token)", async () => {
    const error = await failure(client.sendMessage(USER, { text: "x" }, "not-a-valid-token"));
    expect(error).toMatchObject({ code: -216, kind: "token" });
  });

  it("non-200 answers, timeouts and refused connections are ZaloNetworkErrors", async () => {
    fake.httpErrorNextSends(502);
    expect(await failure(client.sendMessage(USER, { text: "x" }, token))).toMatchObject({ name: "ZaloNetworkError", code: "http_status", status: 502 });

    fake.sendDelayMs = 1_500;
    const timedOut = await failure(client.sendMessage(USER, { text: "x" }, token));
    fake.sendDelayMs = 0;
    expect(timedOut).toBeInstanceOf(ZaloNetworkError);
    expect(timedOut).toMatchObject({ code: "timeout" });

    const nowhere = new ZaloClient({ apiBase: `http://127.0.0.1:${await freePort()}`, oauthBase: fake.url, appId: "app-1" });
    expect(await failure(nowhere.sendMessage(USER, { text: "x" }, token))).toMatchObject({ name: "ZaloNetworkError", code: "network" });
  });

  it("a 200 that is not Zalo JSON is a ZaloNetworkError (bad_response)", async () => {
    const server = createServer((_req, res) => res.end("<html>proxy error</html>"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const odd = new ZaloClient({ apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, oauthBase: fake.url, appId: "a" });
    expect(await failure(odd.sendMessage(USER, { text: "x" }, token))).toMatchObject({ code: "bad_response" });
    await new Promise((r) => server.close(r));
  });
});

describe("ZaloClient.refreshToken", () => {
  it("posts a form with refresh_token, app_id and grant_type, and the secret_key header", async () => {
    const pair = fake.issuePair();
    const fresh = await client.refreshToken(pair.refreshToken);
    expect(fresh.expiresIn).toBe(90_000);
    expect(fresh.refreshToken).not.toBe(pair.refreshToken);
    const call = fake.calls.filter((c) => c.path === "/v4/oa/access_token").at(-1)!;
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call.headers["secret_key"]).toBe("app-secret");
    expect(call.form).toEqual({ refresh_token: pair.refreshToken, app_id: "app-1", grant_type: "refresh_token" });
    // the new access token works, the old refresh token is dead (single use)
    await expect(client.sendMessage(USER, { text: "x" }, fresh.accessToken)).resolves.toMatchObject({ messageId: expect.any(String) });
    const reused = await failure(client.refreshToken(pair.refreshToken));
    expect(reused).toBeInstanceOf(ZaloApiError);
    expect(reused).toMatchObject({ code: -14014, kind: "token", api: "oauth" });
  });

  it("a wrong app secret is refused", async () => {
    const wrong = new ZaloClient({ apiBase: fake.url, oauthBase: fake.url, appId: "app-1", appSecretKey: "nope" });
    expect(await failure(wrong.refreshToken(fake.issuePair().refreshToken))).toMatchObject({ code: -14002, api: "oauth" });
  });
});
