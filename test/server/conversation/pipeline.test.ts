// The pipeline against the real PostgreSQL: addressed messages become one outbox row per recipient
// account (the unit's officers on the account each used last, a person's every account), in each
// recipient's language and lane; replayed events and retried system events write nothing twice;
// long button data comes back through its token; a double tap answers once.
import { randomBytes, randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTranslateSync } from "../../../bot/i18n.ts";
import type { ChannelName } from "../../../bot/types.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { createPipeline, type Pipeline } from "../../../server/conversation/pipeline.ts";
import { catalogOf } from "../../../server/criteria/catalog.ts";
import { createPool } from "../../../server/db/client.ts";
import { CachedUnitDirectory } from "../../../server/units/directory.ts";

const pool = createPool({ url: inject("databaseUrl"), max: 4 });
const tag = randomBytes(4).toString("hex");
const NOW = new Date("2026-10-02T03:00:00Z");
let clock = NOW.getTime();
const notified: string[] = [];
let pipeline: Pipeline;

const unitId = randomUUID();
const parentId = randomUUID();

async function person(language: string, extra: { unit?: string } = {}): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO people (id, language, unit_id, consent_version, consent_at) VALUES ($1, $2, $3, 'c1', now())`, [
    id, language, extra.unit ?? null,
  ]);
  return id;
}

async function account(channel: ChannelName, personId: string | null, lastDaysAgo: number, state?: object): Promise<string> {
  const external = `${channel}-${tag}-${randomBytes(3).toString("hex")}`;
  await pool.query(
    `INSERT INTO channel_accounts (channel, external_id, person_id, last_interaction_at, state)
     VALUES ($1::channel, $2, $3, now() - make_interval(days => $4), $5)`,
    [channel, external, personId, lastDaysAgo, state ? JSON.stringify(state) : null],
  );
  return external;
}

async function officer(personId: string, unit: string, role: "officer" | "lead", active = true): Promise<void> {
  await pool.query(`INSERT INTO officers (person_id, unit_id, role, active) VALUES ($1, $2, $3::officer_role, $4)`, [personId, unit, role, active]);
}

interface Row {
  channel: string;
  recipient: string;
  lane: string;
  reply_to: string | null;
  text: string | undefined;
  kind: string;
  buttons: { data: string }[][] | undefined;
}

async function rowsOf(ids: string[]): Promise<Row[]> {
  const { rows } = await pool.query(
    `SELECT channel, recipient, lane, reply_to, payload FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  return rows.map((r) => ({
    channel: r.channel,
    recipient: r.recipient,
    lane: r.lane,
    reply_to: r.reply_to,
    kind: r.payload.kind,
    text: r.payload.message?.text,
    buttons: r.payload.message?.buttons,
  }));
}

const translate = createTranslateSync();
/** The texts as the engine renders them for a citizen of unknown age: "ông/bà, anh/chị" (vi), "you" (en). */
const t = (lang: "vi" | "en", key: string, params: Record<string, unknown> = {}) => {
  const you = translate(lang, "address.unknown");
  return translate(lang, key, { you, You: you.charAt(0).toUpperCase() + you.slice(1), ...params });
};

/** A citizen whose assessment is submitted and waits for the unit's officers. */
function submittedState(personName: string) {
  return {
    v: 1, lang: "vi", seq: 7, consentVersion: "c1", optedOut: false,
    profile: { targetGroup: "resident", unitId, unitCode: `U${tag.toUpperCase()}`, unitName: "Xã Thử", fullName: personName },
    step: { kind: "submitted" },
    assessment: { setId: "x", setVersion: "1", year: 2026, answers: {}, evidence: {}, submitted: { verdict: "dat", total: 80, max: 100 } },
  };
}

let event = 0;
const nextId = () => `${tag}-${++event}`;

beforeAll(async () => {
  await pool.query(`INSERT INTO units (id, code, name, kind) VALUES ($1, $2, 'Huyện Thử', 'agency')`, [parentId, `P${tag.toUpperCase()}`]);
  await pool.query(`INSERT INTO units (id, code, name, kind, parent_id) VALUES ($1, $2, 'Xã Thử', 'commune', $3)`, [unitId, `U${tag.toUpperCase()}`, parentId]);
  pipeline = createPipeline({
    pool,
    units: new CachedUnitDirectory(pool),
    criteria: catalogOf(await loadShippedSets()),
    context: { t, consentVersion: "c1", timeZone: "Asia/Ho_Chi_Minh" },
    notify: async (channel, recipient) => {
      notified.push(`${channel}:${recipient}`);
    },
    logger: pino({ level: "silent" }),
    now: () => new Date(clock),
  });
});
afterAll(() => pool.end());

describe("addressed messages", () => {
  it("reach the unit's active officers and leads, each on the account used last, in their language", async () => {
    const o1 = await person("vi");
    const o1Old = await account("telegram", o1, 5);
    const o1Last = await account("zalo", o1, 1);
    await officer(o1, unitId, "officer");
    const lead = await person("en");
    const leadWeb = await account("web", lead, 2);
    await officer(lead, unitId, "lead");
    const inactive = await person("vi");
    const inactiveChat = await account("telegram", inactive, 1);
    await officer(inactive, unitId, "officer", false);
    const parentOfficer = await person("vi");
    const parentChat = await account("telegram", parentOfficer, 1);
    await officer(parentOfficer, parentId, "officer");
    const blocked = await person("vi");
    await account("telegram", blocked, 1);
    await officer(blocked, unitId, "officer");
    await pool.query(`UPDATE channel_accounts SET reachable = false WHERE person_id = $1`, [blocked]);

    const citizen = await person("vi", { unit: unitId });
    const chat = await account("telegram", citizen, 0, submittedState("Lò Thị Mai"));
    const opened = await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "command", name: "restart" } });
    if (opened.status !== "applied") throw new Error("not applied");
    const [dialog] = await rowsOf(opened.outboxIds);
    const yes = dialog!.buttons![0]![0]!.data;

    const eventId = nextId();
    const input = { channel: "telegram" as const, externalUserId: chat, eventId, at: NOW, event: { type: "button" as const, data: yes }, replyTo: "m-1" };
    notified.length = 0;
    const done = await pipeline(input);
    if (done.status !== "applied") throw new Error("not applied");
    const rows = await rowsOf(done.outboxIds);
    const vars = { name: "Lò Thị Mai", unit: "Xã Thử", year: 2026 };
    const toOfficers = rows.filter((r) => r.recipient !== chat);
    expect(toOfficers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: "zalo", recipient: o1Last, lane: "notice", reply_to: null, text: t("vi", "officer_notice.withdrawn", vars) }),
        expect.objectContaining({ channel: "web", recipient: leadWeb, lane: "notice", reply_to: null, text: t("en", "officer_notice.withdrawn", vars) }),
      ]),
    );
    expect(toOfficers).toHaveLength(2);
    for (const missing of [o1Old, inactiveChat, parentChat]) expect(rows.some((r) => r.recipient === missing)).toBe(false);
    // The citizen's own replies stay in the reply lane and name the message they answer.
    const own = rows.filter((r) => r.recipient === chat);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.lane === "reply" && r.reply_to === "m-1")).toBe(true);
    expect(new Set(notified)).toEqual(new Set([`telegram:${chat}`, `zalo:${o1Last}`, `web:${leadWeb}`]));

    // The same event again (a platform retry): nothing new anywhere.
    const before = (await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE idempotency_key LIKE $1`, [`telegram:${eventId}:%`])).rows[0].n;
    expect(before).toBe(rows.length);
    expect(await pipeline(input)).toEqual({ status: "duplicate" });
    const after = (await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE idempotency_key LIKE $1`, [`telegram:${eventId}:%`])).rows[0].n;
    expect(after).toBe(before);
  });

  it("with the parent unit included by the setting, its officers are told too", async () => {
    const scoped = createPipeline({
      pool,
      units: new CachedUnitDirectory(pool),
      criteria: catalogOf(await loadShippedSets()),
      context: { t, consentVersion: "c1", timeZone: "Asia/Ho_Chi_Minh" },
      notify: async () => {},
      logger: pino({ level: "silent" }),
      officers: { leads: false, parentUnit: true },
      now: () => new Date(clock),
    });
    const unitOfficer = await person("vi");
    const unitChat = await account("telegram", unitOfficer, 1);
    await officer(unitOfficer, unitId, "officer");
    const parentOfficer = await person("vi");
    const parentChat = await account("zalo", parentOfficer, 1);
    await officer(parentOfficer, parentId, "officer");
    const lead = await person("vi");
    const leadChat = await account("telegram", lead, 1);
    await officer(lead, unitId, "lead");

    const chat = await account("telegram", await person("vi", { unit: unitId }), 0, submittedState("Y Moan"));
    const opened = await scoped({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "command", name: "restart" } });
    const [dialog] = await rowsOf((opened as { outboxIds: string[] }).outboxIds);
    const done = await scoped({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "button", data: dialog!.buttons![0]![0]!.data } });
    const recipients = (await rowsOf((done as { outboxIds: string[] }).outboxIds)).map((r) => r.recipient);
    expect(recipients).toContain(unitChat);
    expect(recipients).toContain(parentChat);
    expect(recipients).not.toContain(leadChat);
  });

  it("reach every other account of a person, whose conversations are erased with the person", async () => {
    const citizen = await person("vi", { unit: unitId });
    const state = { ...submittedState("K'Sor Thị Hằng"), step: { kind: "review", page: 0 } };
    const telegram = await account("telegram", citizen, 0, state);
    const zalo = await account("zalo", citizen, 3, { ...state, lang: "en" });
    const web = await account("web", citizen, 9, state);
    const opened = await pipeline({ channel: "telegram", externalUserId: telegram, eventId: nextId(), at: NOW, event: { type: "command", name: "delete" } });
    const [dialog] = await rowsOf((opened as { outboxIds: string[] }).outboxIds);
    const done = await pipeline({ channel: "telegram", externalUserId: telegram, eventId: nextId(), at: NOW, event: { type: "button", data: dialog!.buttons![0]![0]!.data } });
    const rows = await rowsOf((done as { outboxIds: string[] }).outboxIds);
    expect(rows.map((r) => [r.recipient, r.lane, r.text]).sort()).toEqual([
      [telegram, "reply", t("vi", "delete.done")],
      [web, "notice", t("vi", "delete.done_elsewhere")],
      [zalo, "notice", t("en", "delete.done_elsewhere")],
    ].sort());
    // Promises kept in the tables: no person, no linked account, no conversation holding the name.
    expect((await pool.query(`SELECT 1 FROM people WHERE id = $1`, [citizen])).rowCount).toBe(0);
    const { rows: accounts } = await pool.query(
      `SELECT external_id, person_id, state FROM channel_accounts WHERE external_id = ANY($1)`,
      [[telegram, zalo, web]],
    );
    expect(accounts).toHaveLength(3);
    for (const a of accounts) {
      expect(a.person_id).toBeNull();
      expect(JSON.stringify(a.state ?? {})).not.toContain("Hằng");
    }
  });
});

describe("system events", () => {
  it("apply to the person's account used last, once per event id, in the notice lane", async () => {
    const citizen = await person("vi", { unit: unitId });
    const draft = {
      v: 1, lang: "vi", seq: 3, consentVersion: "c1", optedOut: false,
      profile: { targetGroup: "resident", unitId, fullName: "Phạm Văn Dũng" },
      step: { kind: "review", page: 0 },
      assessment: { setId: "x", setVersion: "1", year: 2026, answers: {}, evidence: {} },
    };
    const old = await account("telegram", citizen, 4, draft);
    const last = await account("zalo", citizen, 1, draft);
    const input = { target: { personId: citizen }, eventId: `reminder:${tag}`, event: { type: "system" as const, name: "assessment.reminder" as const } };
    const applied = await pipeline.handleSystem(input);
    if (applied.status !== "applied") throw new Error(applied.status);
    const rows = await rowsOf(applied.outboxIds);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.channel === "zalo" && r.recipient === last && r.lane === "notice")).toBe(true);
    expect(rows[0]!.text).toBe(t("vi", "reminder.draft", { year: 2026 }));
    expect(await pipeline.handleSystem(input)).toEqual({ status: "duplicate" });
    const { rows: count } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE idempotency_key LIKE $1`, [`system:reminder:${tag}:%`]);
    expect(count[0].n).toBe(rows.length);
    expect((await pool.query(`SELECT 1 FROM outbox WHERE recipient = $1`, [old])).rowCount).toBe(0);

    // Its "stop reminders" button works days later, through any chat of the conversation.
    clock += 3 * 86_400_000;
    const stop = rows[0]!.buttons![0]![0]!.data;
    const stopped = await pipeline({ channel: "zalo", externalUserId: last, eventId: nextId(), at: NOW, event: { type: "button", data: stop } });
    expect((await rowsOf((stopped as { outboxIds: string[] }).outboxIds)).map((r) => r.text)).toEqual([t("vi", "stop.done")]);
    expect((await pool.query(`SELECT opt_out_at FROM people WHERE id = $1`, [citizen])).rows[0].opt_out_at).not.toBeNull();
    const again = await pipeline.handleSystem({ ...input, eventId: `reminder2:${tag}` });
    expect(again).toEqual({ status: "applied", outboxIds: [] });
  });

  it("say no_account, and record nothing, when the person has no reachable chat", async () => {
    const nobody = await person("vi");
    const eventId = `nobody:${tag}`;
    expect(await pipeline.handleSystem({ target: { personId: nobody }, eventId, event: { type: "system", name: "assessment.reminder" } })).toEqual({
      status: "no_account",
    });
    expect((await pool.query(`SELECT 1 FROM system_events WHERE event_id = $1`, [eventId])).rowCount).toBe(0);
  });
});

describe("buttons", () => {
  it("a token stands for long data; an unknown token is an old button", async () => {
    const citizen = await person("vi");
    const chat = await account("telegram", citizen, 0, {
      v: 1, lang: "vi", seq: 2, consentVersion: "c1", optedOut: false, profile: {}, step: { kind: "group" },
    });
    const token = `~${randomBytes(16).toString("base64url").slice(0, 22)}`;
    await pool.query(`INSERT INTO button_tokens (token, data, expires_at) VALUES ($1, 'R.st', now() + interval '1 day')`, [token]);
    const tapped = await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "button", data: token } });
    expect((await rowsOf((tapped as { outboxIds: string[] }).outboxIds)).map((r) => r.text)).toEqual([t("vi", "stop.done")]);
    clock += 5000;
    const unknown = `~${"x".repeat(22)}`;
    const stale = await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "button", data: unknown } });
    expect((await rowsOf((stale as { outboxIds: string[] }).outboxIds))[0]!.text).toBe(t("vi", "button.stale"));
  });

  it("a double tap answers once: the second tap gets only the silent callback answer", async () => {
    const chat = await account("telegram", null, 0, { v: 1, lang: "vi", seq: 0, optedOut: false, profile: {}, step: { kind: "new" } });
    const first = await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW, event: { type: "command", name: "start" } });
    const consent = (await rowsOf((first as { outboxIds: string[] }).outboxIds)).find((r) => r.buttons)!.buttons![0]![0]!.data;
    const tap = (callbackQueryId: string) =>
      pipeline({
        channel: "telegram", externalUserId: chat, eventId: nextId(), at: NOW,
        event: { type: "button", data: consent }, ack: { kind: "callback_answer", callbackQueryId },
      });
    const once = await tap("cb-1");
    const onceRows = await rowsOf((once as { outboxIds: string[] }).outboxIds);
    expect(onceRows[0]!.kind).toBe("callback_answer");
    expect(onceRows.length).toBeGreaterThan(1);
    clock += 400;
    const twice = await tap("cb-2");
    const twiceRows = await rowsOf((twice as { outboxIds: string[] }).outboxIds);
    expect(twiceRows.map((r) => r.kind)).toEqual(["callback_answer"]);
    const { rows } = await pool.query(`SELECT payload FROM outbox WHERE id = $1`, [(twice as { outboxIds: string[] }).outboxIds[0]]);
    expect(rows[0].payload).toEqual({ kind: "callback_answer", callbackQueryId: "cb-2" });
  });
});

describe("the account's reachability", () => {
  it("an unfollow marks it unreachable and keeps its last interaction; the next message makes it reachable again", async () => {
    const chat = `telegram-${tag}-reach`;
    const at = (iso: string) => new Date(iso);
    const read = async () =>
      (await pool.query(`SELECT reachable, unreachable_reason, last_interaction_at FROM channel_accounts WHERE channel = 'telegram' AND external_id = $1`, [chat])).rows[0];
    await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: at("2026-10-01T00:00:00Z"), event: { type: "command", name: "start" } });
    expect(await read()).toEqual({ reachable: true, unreachable_reason: null, last_interaction_at: at("2026-10-01T00:00:00Z") });
    await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: at("2026-10-02T00:00:00Z"), event: { type: "unfollow" } });
    expect(await read()).toEqual({ reachable: false, unreachable_reason: "unfollow", last_interaction_at: at("2026-10-01T00:00:00Z") });
    // An event that happened earlier than the last interaction does not move it back.
    await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: at("2026-09-30T00:00:00Z"), event: { type: "text", text: "xin chào" } });
    expect(await read()).toEqual({ reachable: true, unreachable_reason: null, last_interaction_at: at("2026-10-01T00:00:00Z") });
    await pipeline({ channel: "telegram", externalUserId: chat, eventId: nextId(), at: at("2026-10-03T00:00:00Z"), event: { type: "text", text: "xin chào" } });
    expect((await read()).last_interaction_at).toEqual(at("2026-10-03T00:00:00Z"));
  });
});
