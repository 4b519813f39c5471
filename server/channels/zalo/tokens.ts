// The Zalo OA token pair in PostgreSQL (table zalo_tokens, one row per OA app id), encrypted at rest
// with AES-256-GCM under ZALO_TOKEN_KEY, and refreshed safely across any number of processes.
//
// Zalo's refresh token is single-use: every refresh returns a new pair and kills the old refresh
// token, so two processes refreshing at once would lose the pair for good (only an OA admin in a
// browser can re-authorise). Hence every refresh runs under a Redis lock (SET NX PX with a random value,
// released by compare-and-delete, see server/redis-lock.ts); whoever gets the lock RE-READS the stored
// pair and refreshes only if it still needs to (ahead of expiry: the access token expires in under
// refreshAheadMs; after a rejection: the stored access token is still the rejected one). The new pair
// is stored before it is returned to anyone. Within one process refreshes are also queued, so the lock
// is not polled by many callers at once.
//
// A refused or failed refresh is recorded in last_error; check() then reports the component as
// degraded (readiness stays 200) with what an operator has to do.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type pg from "pg";
import type { CheckResult } from "../../health.ts";
import type { Redis } from "../../redis.ts";
import { acquireLock } from "../../redis-lock.ts";
import type { RefreshedPair } from "./client.ts";

export const SET_TOKENS_HINT =
  "an OA admin must re-authorise the app and load a new pair with `npm run admin -- zalo set-tokens --access <token> --refresh <token> --expires-in <seconds>`";

export type ZaloTokenErrorCode = "no_tokens" | "refresh_failed" | "lock_timeout" | "decrypt_failed";

export class ZaloTokenError extends Error {
  constructor(
    readonly code: ZaloTokenErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ZaloTokenError";
  }
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  /** When the refresh token dies (Zalo: 3 months after it was issued), if known. */
  refreshExpiresAt?: Date | null;
}

export interface StoredTokens extends TokenPair {
  refreshExpiresAt: Date | null;
  refreshedAt: Date;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** What a sender needs from the store. */
export interface ZaloTokenSource {
  getAccessToken(): Promise<string>;
  refreshAfterRejection(rejectedToken: string): Promise<string>;
}

export interface ZaloTokenStoreOptions {
  pool: pg.Pool;
  redis: Redis;
  /** The REDIS_PREFIX of the deployment (tests: inject("redisPrefix")). */
  redisPrefix: string;
  /** ZALO_APP_ID: the row id. */
  appId: string;
  /** ZALO_TOKEN_KEY: 64 hex characters. */
  tokenKey: string;
  /** Usually the ZaloClient. */
  refresher: { refreshToken(refreshToken: string): Promise<RefreshedPair> };
  now?: () => Date;
  /** Refresh when the access token has less than this left (default 1 h). */
  refreshAheadMs?: number;
  /** Lock lifetime; longer than a refresh call can take (the client times out after 10 s). */
  lockTtlMs?: number;
  /** How long a caller waits for another process's refresh. */
  lockWaitMs?: number;
  lockPollMs?: number;
  /** Lifetime assumed for a new refresh token (Zalo: 3 months). */
  refreshLifetimeMs?: number;
}

const DAY = 86_400_000;

interface Row {
  access_token_enc: string;
  refresh_token_enc: string;
  access_expires_at: Date;
  refresh_expires_at: Date | null;
  refreshed_at: Date;
  last_error: string | null;
  last_error_at: Date | null;
}

export class ZaloTokenStore implements ZaloTokenSource {
  private readonly key: Buffer;
  private readonly o: Required<Omit<ZaloTokenStoreOptions, "now">>;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ZaloTokenStoreOptions) {
    if (!/^[0-9a-f]{64}$/i.test(options.tokenKey)) {
      throw new ZaloTokenError("decrypt_failed", "ZALO_TOKEN_KEY must be 64 hex characters (32 bytes)");
    }
    this.key = Buffer.from(options.tokenKey, "hex");
    this.now = options.now ?? (() => new Date());
    this.o = {
      refreshAheadMs: 3_600_000,
      lockTtlMs: 30_000,
      lockWaitMs: 15_000,
      lockPollMs: 50,
      refreshLifetimeMs: 90 * DAY,
      ...options,
    };
  }

  private get lockKey(): string {
    return `${this.o.redisPrefix}:zalo:token-refresh:${this.o.appId}`;
  }

  private encrypt(column: string, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(`zalo_tokens:${this.o.appId}:${column}`));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
  }

  private decrypt(column: string, stored: string): string {
    const [version, iv, tag, data] = stored.split(".");
    try {
      if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("unknown format");
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`zalo_tokens:${this.o.appId}:${column}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new ZaloTokenError(
        "decrypt_failed",
        `cannot decrypt the stored Zalo tokens (was ZALO_TOKEN_KEY changed?); ${SET_TOKENS_HINT}`,
        error,
      );
    }
  }

  private async readRow(): Promise<Row | null> {
    const { rows } = await this.o.pool.query<Row>(
      `SELECT access_token_enc, refresh_token_enc, access_expires_at, refresh_expires_at, refreshed_at,
              last_error, last_error_at
         FROM zalo_tokens WHERE id = $1`,
      [this.o.appId],
    );
    return rows[0] ?? null;
  }

  /** The stored pair, decrypted; null when none was ever stored. */
  async load(): Promise<StoredTokens | null> {
    const row = await this.readRow();
    if (!row) return null;
    return {
      accessToken: this.decrypt("access_token", row.access_token_enc),
      refreshToken: this.decrypt("refresh_token", row.refresh_token_enc),
      accessExpiresAt: row.access_expires_at,
      refreshExpiresAt: row.refresh_expires_at,
      refreshedAt: row.refreshed_at,
      lastError: row.last_error,
      lastErrorAt: row.last_error_at,
    };
  }

  /** Stores a new pair in one statement (insert or replace) and clears the last error. */
  async save(pair: TokenPair): Promise<void> {
    const now = this.now();
    await this.o.pool.query(
      `INSERT INTO zalo_tokens (id, access_token_enc, refresh_token_enc, access_expires_at, refresh_expires_at,
                                refreshed_at, last_error, last_error_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $6)
       ON CONFLICT (id) DO UPDATE SET
         access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = EXCLUDED.refresh_token_enc,
         access_expires_at = EXCLUDED.access_expires_at, refresh_expires_at = EXCLUDED.refresh_expires_at,
         refreshed_at = EXCLUDED.refreshed_at, last_error = NULL, last_error_at = NULL,
         updated_at = EXCLUDED.updated_at`,
      [
        this.o.appId,
        this.encrypt("access_token", pair.accessToken),
        this.encrypt("refresh_token", pair.refreshToken),
        pair.accessExpiresAt,
        pair.refreshExpiresAt ?? null,
        now,
      ],
    );
  }

  private async recordError(message: string): Promise<void> {
    await this.o.pool
      .query(`UPDATE zalo_tokens SET last_error = $2, last_error_at = $3, updated_at = $3 WHERE id = $1`, [
        this.o.appId,
        message.slice(0, 1000),
        this.now(),
      ])
      .catch(() => {});
  }

  private async loadOrFail(): Promise<StoredTokens> {
    const pair = await this.load();
    if (!pair) throw new ZaloTokenError("no_tokens", `no Zalo token pair is stored for app ${this.o.appId}; ${SET_TOKENS_HINT}`);
    return pair;
  }

  private dueAhead = (pair: StoredTokens) => pair.accessExpiresAt.getTime() - this.now().getTime() <= this.o.refreshAheadMs;

  /** A usable access token, refreshed first when it expires within refreshAheadMs. */
  async getAccessToken(): Promise<string> {
    const pair = await this.loadOrFail();
    if (!this.dueAhead(pair)) return pair.accessToken;
    return this.refreshIf(this.dueAhead);
  }

  /** Zalo refused `rejectedToken` (-216/-220): refresh, unless another caller already replaced it. */
  async refreshAfterRejection(rejectedToken: string): Promise<string> {
    return this.refreshIf((pair) => pair.accessToken === rejectedToken);
  }

  /** Runs after the refreshes this process already queued; then under the Redis lock. */
  private refreshIf(needs: (pair: StoredTokens) => boolean): Promise<string> {
    const run = this.queue.then(() => this.refreshLocked(needs));
    this.queue = run.catch(() => {});
    return run;
  }

  private async refreshLocked(needs: (pair: StoredTokens) => boolean): Promise<string> {
    const before = await this.loadOrFail();
    if (!needs(before)) return before.accessToken;
    const lock = await acquireLock(this.o.redis, this.lockKey, this.o.lockTtlMs, this.o.lockWaitMs, this.o.lockPollMs);
    if (!lock) {
      const pair = await this.loadOrFail();
      if (!needs(pair)) return pair.accessToken;
      throw new ZaloTokenError("lock_timeout", `another process held the Zalo token refresh lock for over ${this.o.lockWaitMs} ms`);
    }
    try {
      const pair = await this.loadOrFail(); // re-read: the lock's previous holder may have refreshed
      if (!needs(pair)) return pair.accessToken;
      let fresh: RefreshedPair;
      try {
        fresh = await this.o.refresher.refreshToken(pair.refreshToken);
      } catch (error) {
        const message = (error as Error).message || String(error);
        await this.recordError(message);
        throw new ZaloTokenError("refresh_failed", `Zalo token refresh failed: ${message}`, error);
      }
      const now = this.now().getTime();
      await this.save({
        accessToken: fresh.accessToken,
        refreshToken: fresh.refreshToken,
        accessExpiresAt: new Date(now + fresh.expiresIn * 1000),
        refreshExpiresAt: new Date(now + this.o.refreshLifetimeMs),
      });
      return fresh.accessToken;
    } finally {
      await lock.release().catch(() => {});
    }
  }

  /** Stores a pair obtained by an OA admin (admin command), under the refresh lock. */
  async setTokens(accessToken: string, refreshToken: string, expiresInSeconds: number): Promise<TokenPair> {
    const wait = this.o.lockTtlMs + 5_000;
    const lock = await acquireLock(this.o.redis, this.lockKey, this.o.lockTtlMs, wait, this.o.lockPollMs);
    if (!lock) throw new ZaloTokenError("lock_timeout", `a Zalo token refresh held the lock for over ${wait} ms; try again`);
    try {
      const now = this.now().getTime();
      const pair: TokenPair = {
        accessToken,
        refreshToken,
        accessExpiresAt: new Date(now + expiresInSeconds * 1000),
        refreshExpiresAt: new Date(now + this.o.refreshLifetimeMs),
      };
      await this.save(pair);
      return pair;
    } finally {
      await lock.release().catch(() => {});
    }
  }

  /** Readiness check: degraded (never failed) when the channel cannot send until an operator acts. */
  check = async (): Promise<CheckResult> => {
    try {
      const pair = await this.load();
      if (!pair) return { ok: "degraded", error: `no Zalo token pair is stored; ${SET_TOKENS_HINT}` };
      if (pair.lastError && pair.lastErrorAt && pair.lastErrorAt >= pair.refreshedAt) {
        return { ok: "degraded", error: `Zalo token refresh failed: ${pair.lastError}; ${SET_TOKENS_HINT}` };
      }
      const now = this.now();
      if (pair.accessExpiresAt <= now && pair.refreshExpiresAt && pair.refreshExpiresAt <= now) {
        return { ok: "degraded", error: `the Zalo refresh token expired on ${pair.refreshExpiresAt.toISOString()}; ${SET_TOKENS_HINT}` };
      }
      return { ok: true };
    } catch (error) {
      return { ok: "degraded", error: (error as Error).message || String(error) };
    }
  };
}
