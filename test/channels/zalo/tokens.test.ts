import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ZaloClient } from "../../../server/channels/zalo/client.ts";
import { createZaloSender } from "../../../server/channels/zalo/sender.ts";
import { ZaloTokenStore, type ZaloTokenStoreOptions } from "../../../server/channels/zalo/tokens.ts";
import { createPool } from "../../../server/db/client.ts";
import { createRedis, type Redis } from "../../../server/redis.ts";
import { startFakeZalo, type FakeZalo } from "../../support/fake-zalo.ts";

const KEY = randomBytes(32).toString("hex");
const USER = "2468458835296117922";
let fake: FakeZalo;
const opened: { pool: pg.Pool; redis: Redis }[] = [];

/** One "process": its own pool, Redis connection, client and store. */
function process_(appId: string, extra: Partial<ZaloTokenStoreOptions> = {}) {
  const pool = createPool({ url: inject("databaseUrl"), max: 2 });
  const redis = createRedis(inject("redisUrl"));
  opened.push({ pool, redis });
  const client = new ZaloClient({ apiBase: fake.url, oauthBase: fake.url, appId, appSecretKey: "app-secret" });
  const store = new ZaloTokenStore({ pool, redis, redisPrefix: inject("redisPrefix"), appId, tokenKey: KEY, refresher: client, ...extra });
  return { pool, redis, client, store, appId };
}

const newAppId = () => `test-app-${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  fake = await startFakeZalo({ appSecretKey: "app-secret" });
});
afterAll(async () => {
  await fake.close();
  for (const { pool, redis } of opened) {
    await pool.end();
    redis.disconnect();
  }
});

describe("ZaloTokenStore", () => {
  it("encrypts both tokens at rest and reads them back", async () => {
    const { store, pool, appId } = process_(newAppId());
    const pair = fake.issuePair();
    await store.setTokens(pair.accessToken, pair.refreshToken, 90_000);
    const { rows } = await pool.query("SELECT * FROM zalo_tokens WHERE id = $1", [appId]);
    const row = rows[0] as Record<string, unknown>;
    const everything = JSON.stringify(row);
    expect(everything).not.toContain(pair.accessToken);
    expect(everything).not.toContain(pair.refreshToken);
    expect(String(row.access_token_enc)).toMatch(/^v1\./);
    const loaded = await store.load();
    expect(loaded).toMatchObject({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, lastError: null });
    expect(loaded!.accessExpiresAt.getTime() - Date.now()).toBeGreaterThan(89_000_000);
    expect(await store.getAccessToken()).toBe(pair.accessToken);
    expect(await store.check()).toEqual({ ok: true });
  });

  it("a different key cannot read the pair (and says what to do)", async () => {
    const appId = newAppId();
    const { store } = process_(appId);
    const pair = fake.issuePair();
    await store.setTokens(pair.accessToken, pair.refreshToken, 90_000);
    const other = process_(appId, { tokenKey: randomBytes(32).toString("hex") }).store;
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: "decrypt_failed" });
    expect(await other.check()).toMatchObject({ ok: "degraded", error: expect.stringContaining("zalo set-tokens") });
  });

  it("without a stored pair, getAccessToken fails with no_tokens and check() is degraded", async () => {
    const { store } = process_(newAppId());
    await expect(store.getAccessToken()).rejects.toMatchObject({ name: "ZaloTokenError", code: "no_tokens" });
    expect(await store.check()).toMatchObject({ ok: "degraded", error: expect.stringContaining("npm run admin -- zalo set-tokens") });
  });

  it("refreshes ahead of expiry (less than 1 h left) and stores the new pair", async () => {
    const { store } = process_(newAppId());
    const pair = fake.issuePair();
    await store.setTokens(pair.accessToken, pair.refreshToken, 1_800);
    const before = fake.refreshCount;
    const token = await store.getAccessToken();
    expect(token).not.toBe(pair.accessToken);
    expect(fake.validAccessTokens.has(token)).toBe(true);
    expect(fake.refreshCount).toBe(before + 1);
    const stored = await store.load();
    expect(stored!.accessToken).toBe(token);
    expect(stored!.refreshToken).not.toBe(pair.refreshToken);
    expect(stored!.accessExpiresAt.getTime() - Date.now()).toBeGreaterThan(89_000_000);
    // fresh now: no further refresh
    expect(await store.getAccessToken()).toBe(token);
    expect(fake.refreshCount).toBe(before + 1);
  });

  it("-216 in the middle of sending → one refresh, and the send succeeds with the new token", async () => {
    const { store, client } = process_(newAppId());
    const pair = fake.issuePair();
    await store.setTokens(pair.accessToken, pair.refreshToken, 90_000);
    fake.validAccessTokens.delete(pair.accessToken); // Zalo revoked it early
    const sender = createZaloSender({ client, tokens: store });
    const before = fake.refreshCount;
    const sendsBefore = fake.sends().length;
    const result = await sender.send(USER, { kind: "message", message: { text: "Xin chào" } }, { lastInteractionAt: new Date(), reachable: true });
    expect(result).toMatchObject({ ok: true, platformMessageId: expect.any(String) });
    expect(fake.refreshCount).toBe(before + 1);
    const sends = fake.sends().slice(sendsBefore);
    expect(sends.map((s) => s.headers["access_token"])).toEqual([pair.accessToken, (await store.load())!.accessToken]);
  });

  it("two processes needing a refresh at once → exactly one refresh call, both use the new token", async () => {
    const appId = newAppId();
    const a = process_(appId);
    const b = process_(appId);
    const pair = fake.issuePair();
    await a.store.setTokens(pair.accessToken, pair.refreshToken, 600); // 10 min left: both want to refresh
    fake.refreshDelayMs = 300;
    const before = fake.refreshCount;
    try {
      const [ta, tb, ta2, tb2] = await Promise.all([
        a.store.getAccessToken(),
        b.store.getAccessToken(),
        a.store.getAccessToken(),
        b.store.refreshAfterRejection(pair.accessToken),
      ]);
      expect(fake.refreshCount).toBe(before + 1);
      expect(ta).not.toBe(pair.accessToken);
      expect([tb, ta2, tb2]).toEqual([ta, ta, ta]);
      expect((await b.store.load())!.accessToken).toBe(ta);
    } finally {
      fake.refreshDelayMs = 0;
    }
  });

  it("a rejection of a token another process already replaced does not refresh again", async () => {
    const appId = newAppId();
    const a = process_(appId);
    const b = process_(appId);
    const pair = fake.issuePair();
    await a.store.setTokens(pair.accessToken, pair.refreshToken, 90_000);
    const first = await a.store.refreshAfterRejection(pair.accessToken);
    const before = fake.refreshCount;
    expect(await b.store.refreshAfterRejection(pair.accessToken)).toBe(first);
    expect(fake.refreshCount).toBe(before);
  });

  it("a failed refresh records last_error and makes check() degraded with the operator's instructions", async () => {
    const { store } = process_(newAppId());
    const pair = fake.issuePair();
    await store.setTokens(pair.accessToken, pair.refreshToken, 60);
    fake.validRefreshTokens.delete(pair.refreshToken); // lost: e.g. used by a process that then crashed
    await expect(store.getAccessToken()).rejects.toMatchObject({ code: "refresh_failed" });
    const check = await store.check();
    expect(check.ok).toBe("degraded");
    expect((check as { error: string }).error).toMatch(
      /^Zalo token refresh failed: .*-14014.*; an OA admin must re-authorise the app and load a new pair with `npm run admin -- zalo set-tokens/,
    );
    // an operator loads a new pair: healthy again
    const next = fake.issuePair();
    await store.setTokens(next.accessToken, next.refreshToken, 90_000);
    expect(await store.check()).toEqual({ ok: true });
  });
});
