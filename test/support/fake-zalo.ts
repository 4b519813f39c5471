// A fake Zalo on 127.0.0.1: the OA API's send endpoints (POST /v3.0/oa/message/cs, and /transaction for
// template messages) and the OAuth v4
// refresh endpoint (POST /v4/oa/access_token) on one port, so ZALO_OA_API_BASE and ZALO_OAUTH_BASE can
// both point at `url`. Every call is recorded; answers follow a small script:
//   - access tokens: only those in `validAccessTokens` are accepted, any other → -216;
//   - a script of send outcomes, consumed in order: failNextSends(code, n) (a Zalo error code),
//     httpErrorNextSends(status, n) (an HTTP status), passNextSends(n) (normal answers), e.g.
//     passNextSends(1) then httpErrorNextSends(503) fails the second send; an empty script = success;
//   - refresh: a refresh token in `validRefreshTokens` is consumed (single use) and a new pair is
//     issued and made valid; anything else → OAuth error -14014. `refreshDelayMs` slows it down,
//     `failNextRefreshes` makes it refuse, `refreshCount` counts the calls.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseMultipart, type Upload } from "./multipart.ts";

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The JSON body of a send, or the form fields of a refresh. */
  json?: unknown;
  form?: Record<string, string>;
}

export interface FakeZaloOptions {
  appId?: string;
  /** When set, a refresh must carry this `secret_key` header. */
  appSecretKey?: string;
  validAccessTokens?: Iterable<string>;
  validRefreshTokens?: Iterable<string>;
  /** expires_in of issued pairs (seconds; sent as a string like Zalo). */
  expiresIn?: number;
}

export interface FakeZalo {
  url: string;
  calls: RecordedCall[];
  sends(): RecordedCall[];
  /** Pictures uploaded for media messages (POST /v2.0/oa/upload/image), by attachment id. */
  uploads: Map<string, Upload>;
  /** ZBS transaction template messages (same script and answers as sends). */
  templates(): RecordedCall[];
  /** ZBS promotion messages: a second one to a user on the same Vietnam day is refused (-211), like Zalo's cap. */
  promotions(): RecordedCall[];
  refreshCount: number;
  validAccessTokens: Set<string>;
  validRefreshTokens: Set<string>;
  sendDelayMs: number;
  refreshDelayMs: number;
  failNextSends(code: number, n?: number, message?: string): void;
  httpErrorNextSends(status: number, n?: number): void;
  passNextSends(n: number): void;
  failNextRefreshes(n?: number, code?: number): void;
  /** Makes a fresh valid pair, as an OA admin would get one by authorising in the browser. */
  issuePair(): { accessToken: string; refreshToken: string };
  close(): Promise<void>;
}

export async function startFakeZalo(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  let counter = 0;
  const next = (kind: string) => `${kind}_${Date.now().toString(36)}_${++counter}_${"x".repeat(16)}`;
  type Step = { type: "pass" } | { type: "error"; code: number; message: string } | { type: "http"; status: number };
  const script: Step[] = [];
  const promotedToday = new Set<string>();
  const refreshFailures: number[] = [];

  const fake: FakeZalo = {
    url: "",
    calls: [],
    sends: () => fake.calls.filter((c) => c.path === "/v3.0/oa/message/cs"),
    uploads: new Map(),
    templates: () => fake.calls.filter((c) => c.path === "/v3.0/oa/message/transaction"),
    promotions: () => fake.calls.filter((c) => c.path === "/v3.0/oa/message/promotion"),
    refreshCount: 0,
    validAccessTokens: new Set(options.validAccessTokens ?? []),
    validRefreshTokens: new Set(options.validRefreshTokens ?? []),
    sendDelayMs: 0,
    refreshDelayMs: 0,
    failNextSends(code, n = 1, message = "Scripted failure") {
      for (let i = 0; i < n; i++) script.push({ type: "error", code, message });
    },
    httpErrorNextSends(status, n = 1) {
      for (let i = 0; i < n; i++) script.push({ type: "http", status });
    },
    passNextSends(n) {
      for (let i = 0; i < n; i++) script.push({ type: "pass" });
    },
    failNextRefreshes(n = 1, code = -14014) {
      for (let i = 0; i < n; i++) refreshFailures.push(code);
    },
    issuePair() {
      const pair = { accessToken: next("access"), refreshToken: next("refresh") };
      fake.validAccessTokens.add(pair.accessToken);
      fake.validRefreshTokens.add(pair.refreshToken);
      return pair;
    },
    close: async () => {},
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let messageSeq = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString("utf8");
      const path = (req.url ?? "/").split("?")[0]!;
      const call: RecordedCall = { method: req.method ?? "GET", path, headers: req.headers, body };
      fake.calls.push(call);
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method === "POST" && (path === "/v3.0/oa/message/cs" || path === "/v3.0/oa/message/transaction" || path === "/v3.0/oa/message/promotion")) {
        try {
          call.json = JSON.parse(body);
        } catch {
          return answer(200, { error: -201, message: "Body is not JSON" });
        }
        if (fake.sendDelayMs > 0) await sleep(fake.sendDelayMs);
        const head = script[0];
        if (head?.type === "http") {
          script.shift();
          return answer(head.status, { message: "scripted HTTP failure" });
        }
        const token = req.headers["access_token"];
        if (typeof token !== "string" || !fake.validAccessTokens.has(token)) {
          return answer(200, { error: -216, message: "Access token is invalid" });
        }
        const step = script.shift();
        if (step?.type === "error") return answer(200, { error: step.code, message: step.message });
        const userId = (call.json as { recipient?: { user_id?: string } }).recipient?.user_id;
        if (path === "/v3.0/oa/message/promotion") {
          const day = `${new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)}:${userId}`;
          if (promotedToday.has(day)) return answer(200, { error: -211, message: "Out of quota: one promotion per user per day" });
          promotedToday.add(day);
        }
        return answer(200, { error: 0, message: "Success", data: { message_id: `m${(++messageSeq).toString(16).padStart(8, "0")}`, user_id: userId } });
      }
      if (req.method === "POST" && path === "/v2.0/oa/upload/image") {
        const token = req.headers["access_token"];
        if (typeof token !== "string" || !fake.validAccessTokens.has(token)) return answer(200, { error: -216, message: "Access token is invalid" });
        const type = String(req.headers["content-type"] ?? "");
        const form = type.startsWith("multipart/form-data") ? parseMultipart(raw, /boundary=(.+)$/.exec(type)?.[1] ?? "", { files: true }) : undefined;
        const file = form?.file as Upload | undefined;
        if (!file?.bytes?.length) return answer(200, { error: -201, message: "file is missing" });
        if (file.bytes.length > 1_048_576) return answer(200, { error: -210, message: "file is larger than 1 MB" });
        const attachmentId = `att${fake.uploads.size + 1}_${"y".repeat(20)}`;
        fake.uploads.set(attachmentId, file);
        return answer(200, { error: 0, message: "Success", data: { attachment_id: attachmentId } });
      }
      if (req.method === "POST" && path === "/v4/oa/access_token") {
        fake.refreshCount++;
        call.form = Object.fromEntries(new URLSearchParams(body));
        if (fake.refreshDelayMs > 0) await sleep(fake.refreshDelayMs);
        if (options.appSecretKey !== undefined && req.headers["secret_key"] !== options.appSecretKey) {
          return answer(200, { error: -14002, error_name: "Invalid secret key", error_description: "secret_key header is wrong" });
        }
        if (options.appId !== undefined && call.form.app_id !== options.appId) {
          return answer(200, { error: -14001, error_name: "Invalid app id", error_description: "app_id is wrong" });
        }
        const scripted = refreshFailures.shift();
        const refresh = call.form.refresh_token ?? "";
        if (scripted !== undefined || call.form.grant_type !== "refresh_token" || !fake.validRefreshTokens.has(refresh)) {
          return answer(200, {
            error: scripted ?? -14014,
            error_name: "Invalid refresh token",
            error_reason: "refresh token is invalid or was already used",
          });
        }
        fake.validRefreshTokens.delete(refresh); // single use
        const pair = fake.issuePair();
        return answer(200, {
          access_token: pair.accessToken,
          refresh_token: pair.refreshToken,
          expires_in: String(options.expiresIn ?? 90_000),
        });
      }
      answer(404, { error: -1, message: `no fake for ${req.method} ${path}` });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
