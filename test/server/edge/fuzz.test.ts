// Fuzzing the edges: thousands of generated bodies per route – mutations of real Telegram updates,
// signed Zalo events and web chat events (fields deleted, retyped, made huge, given NUL bytes or broken
// surrogates, dates out of range), and bodies that are not objects at all. Expected: no 5xx, ever; the
// process stays up; and the chats that were fuzzed can still take an assessment to its verdict.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { webChannel } from "../../../server/channels/web/index.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { TARGET_GROUPS } from "../../../bot/engine/index.ts";
import type { CriteriaSet } from "../../../rules/index.ts";
import { answerCurrent, type Citizen } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import type { FakeZalo } from "../../support/fake-zalo.ts";
import { platformsRuntime, type Platforms } from "../../support/platforms-runtime.ts";
import { SECRET, TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit, FAST } from "../../support/telegram-runtime.ts";
import { FAST_WEB, WEB_SECRET } from "../../support/web-runtime.ts";
import { WebCitizen, newClientEventId } from "../../support/web-citizen.ts";
import { ZALO_APP_ID, ZALO_OA_SECRET, ZaloCitizen } from "../../support/zalo-citizen.ts";

const PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

let telegram: FakeTelegram;
let zalo: FakeZalo;
let rt: Runtime;
let platforms: Platforms | undefined;

beforeAll(async () => {
  const many = { max: 100_000, windowMs: 60_000 };
  const web = webChannel({ ...FAST_WEB, limits: { sessionEvents: many, ipEvents: many, sessionPolls: many, sessionUploads: many } });
  platforms = await platformsRuntime({ WEB_CHAT_SECRET: WEB_SECRET }, { senders: [web.sender], extraRoutes: web.routes, zaloLimits: FAST });
  ({ telegram, zalo, rt } = platforms);
}, 30_000);
afterAll(async () => {
  await platforms?.close();
});

/** mulberry32: the same bodies on every run for a seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const NASTY: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31), "", " ", "yesterday", "hi",
  "\u0000", "a\u0000b", "\ud800", "x\udfffy", "💥".repeat(3_000), "'; DROP TABLE outbox; --", "100000000000000000000",
  "9223372036854775808", "-1", "NaN", [], [1, "a", null], {}, { a: { b: { c: [] } } }, "/start", "/delete",
];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** One to three mutations of a copy of the template; sometimes something that is not an object at all. */
function mutate(template: Record<string, unknown>): unknown {
  if (random() < 0.05) return pick([null, 1, "hi", [], true, [template], "null"]);
  let body: any = structuredClone(template);
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const path = pick(paths(body));
    if (path.length === 0) {
      body = random() < 0.5 ? pick(NASTY) : { ...body, [pick(["extra", "message", "event_name", "type"])]: pick(NASTY) };
      if (body === null || typeof body !== "object") return body;
      continue;
    }
    let parent = body;
    for (const key of path.slice(0, -1)) parent = parent[key];
    const last = path.at(-1)!;
    if (random() < 0.3) delete parent[last];
    else parent[last] = pick(NASTY);
  }
  return body;
}

/** Runs the bodies through `post` with a few at a time; returns every status. */
async function fire(bodies: unknown[], post: (body: unknown) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < bodies.length) statuses.push(await post(bodies[next++]));
    }),
  );
  return statuses;
}

const summary = (statuses: number[]) =>
  Object.entries(statuses.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}));

describe("fuzzed bodies at every edge", () => {
  it("never answer 5xx, the process stays up, and the fuzzed chats can still finish an assessment", async () => {
    const tg = Array.from({ length: 3 }, () => new TelegramCitizen(() => rt, telegram));
    const za = Array.from({ length: 3 }, () => new ZaloCitizen(() => rt, zalo));
    const web = new WebCitizen(() => rt);
    await web.open();

    const tgBodies = Array.from({ length: PER_ROUTE }, () => {
      const c = pick(tg);
      return mutate(pick([c.textUpdate(pick(["xin chào", "/help", "1975"])), c.buttonUpdate("1.c.y"), memberUpdate(c.chatId)]));
    });
    const tgStatuses = await fire(tgBodies, (body) =>
      rt.app
        .inject({ method: "POST", url: "/webhooks/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, payload: JSON.stringify(body) })
        .then((r) => r.statusCode),
    );

    const zaBodies = Array.from({ length: PER_ROUTE }, () => {
      const c = pick(za);
      const event = JSON.parse(pick([c.textEvent(pick(["xin chào", "/help"])), c.event("follow", { follower: { id: c.userId } }), c.event("user_send_image", { message: { msg_id: "m", attachments: [{ type: "image", payload: { url: "https://example.invalid/a.jpg" } }] } })]).raw);
      return random() < 0.02 ? "{not json" : JSON.stringify(mutate(event));
    });
    // Signed like Zalo: app id, body, the body's own timestamp field, OA secret. A body without a
    // timestamp cannot carry a valid signature: 401 is right for it.
    const unsigned: number[] = [];
    const zaStatuses = await fire(zaBodies, (raw) => {
      const text = String(raw);
      let timestamp = "";
      try {
        const t = (JSON.parse(text) as { timestamp?: unknown })?.timestamp;
        timestamp = typeof t === "string" ? t : typeof t === "number" && Number.isFinite(t) ? String(t) : "";
      } catch {
        timestamp = /"timestamp"\s*:\s*"?(\d{1,20})"?/.exec(text)?.[1] ?? "";
      }
      const mac = createHash("sha256").update(ZALO_APP_ID + text + timestamp + ZALO_OA_SECRET).digest("hex");
      return rt.app
        .inject({ method: "POST", url: "/webhooks/zalo", headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` }, payload: text })
        .then((r) => {
          if (!timestamp && r.statusCode === 401) unsigned.push(r.statusCode);
          return r.statusCode;
        });
    });

    const webBodies = Array.from({ length: PER_ROUTE }, () =>
      mutate(pick([
        { clientEventId: newClientEventId(), type: "text", text: pick(["xin chào", "1975"]) },
        { clientEventId: newClientEventId(), type: "button", data: "1.c.y" },
        { clientEventId: newClientEventId(), type: "start" },
      ])),
    );
    const webStatuses = await fire(webBodies, (body) => web.post("/chat/api/events", JSON.stringify(body)).then((r) => r.statusCode));
    const pollStatuses = await fire(
      Array.from({ length: 500 }, () => pick(["9223372036854775808", "99999999999999999999", "-1", "1e3", "", "0", "12", "%00", "1%00", "abc"])),
      (after) => web.get(`/chat/api/messages?after=${after}`).then((r) => r.statusCode),
    );

    const all = { telegram: tgStatuses, zalo: zaStatuses, web: webStatuses, polls: pollStatuses };
    console.log(`fuzz (seed ${SEED}): ${Object.entries(all).map(([k, v]) => `${k} ${v.length} → ${JSON.stringify(summary(v))}`).join("; ")}`);
    for (const [route, statuses] of Object.entries(all)) expect(statuses.filter((s) => s >= 500), route).toEqual([]);
    // Platforms get 200 for what is dropped (they would retry anything else); our own API gets 4xx.
    expect(tgStatuses.filter((s) => s !== 200)).toEqual([]);
    expect(zaStatuses.filter((s) => s !== 200)).toEqual(unsigned);
    expect(rt.drops.total("telegram")).toBeGreaterThan(100);
    expect(rt.drops.total("zalo")).toBeGreaterThan(100);

    expect((await rt.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const sets = await loadShippedSets();
    const unit = await addUnit(rt.db.pool);
    await Promise.all([finish(tg[0]!, sets, 0, unit.code), finish(za[0]!, sets, 1, unit.code)]);
    const { rows } = await rt.db.pool.query(
      `SELECT count(*)::int AS n FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
        WHERE a.status = 'submitted' AND c.external_id = ANY($1::text[])`,
      [[String(tg[0]!.chatId), za[0]!.userId]],
    );
    expect(rows[0].n).toBe(2);
    // The fuzzed web chat still converses.
    expect((await web.event({ type: "start" })).statusCode).toBe(200);
    expect((await web.replies()).length).toBeGreaterThan(0);
  }, 120_000);
});

function memberUpdate(chatId: number) {
  return {
    update_id: Math.floor(random() * 2 ** 40),
    my_chat_member: {
      chat: { id: chatId, type: "private" },
      from: { id: chatId, is_bot: false, first_name: "Test" },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { status: "member", user: { id: 1, is_bot: true, first_name: "bot" } },
      new_chat_member: { status: "kicked", user: { id: 1, is_bot: true, first_name: "bot" }, until_date: 0 },
    },
  };
}

/** Takes a chat from whatever step the fuzzing left it at to a submitted assessment. */
async function finish<R>(c: Citizen<R>, sets: CriteriaSet[], preferred: number, unitCode: string): Promise<void> {
  // A button the fuzzing left far behind may have expired: /start shows the current step afresh.
  const tap = async (action: string) => c.tap(action).catch(() => c.say(`/start u_${unitCode}`));
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const state = await c.state();
    const step = state?.step.kind ?? "new";
    seen.push(step);
    // The set of the draft the fuzzing may have started, else the preferred one.
    const set = sets.find((x) => x.id === state?.assessment?.setId) ?? sets[preferred]!;
    if (step === "submitted") return;
    if (step === "new" || step === "declined" || step === "set_gone") await c.say(`/start u_${unitCode}`);
    else if (step === "consent") await tap("c.y");
    else if (step === "group") await tap(`g.${TARGET_GROUPS.indexOf(set.targetGroup)}`);
    else if (step === "unit" || step === "unit_suggest") await c.say(unitCode);
    else if (step === "name") await c.say("Nguyễn Thị Bình");
    else if (step === "birth_year") await c.say("1975");
    else if (step === "review") {
      // Sending is offered on the last page: the next page's button until then.
      const page = (state!.step as { page: number }).page;
      await c.tap((a) => a === "s" || (/^p\.\d+$/.test(a) && Number(a.slice(2)) > page)).catch(() => c.say(`/start u_${unitCode}`));
    }
    else if (!(await answerCurrent(c, set, "best", {}))) throw new Error(`stuck at ${step}`);
  }
  throw new Error(`no verdict after 200 steps: ${seen.slice(-12).join(" → ")}`);
}
