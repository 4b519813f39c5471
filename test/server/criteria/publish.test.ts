// Criteria sets without a code change, end to end on a database of this file's own: the shipped sets
// fill an empty table; a broken upload is refused with every problem's path and changes nothing; a
// published set is what a new citizen starts on, in this process and in a second one (told over Redis
// pub/sub), while a citizen half-way finishes on the version they began with; a changed set under a
// published version number is refused with 409.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { contentHash } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { createSession } from "../../../server/api/sessions.ts";
import { LiveCatalog } from "../../../server/criteria/catalog.ts";
import { createLogger } from "../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../server/runtime.ts";
import { admin, ADMIN_TOKEN, insertUnit } from "../../support/admin-api.ts";
import { answerAll, answerCurrent, onboard, submitReview } from "../../support/drive.ts";
import { testConfig } from "../../support/env.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { ownDatabase, type OwnDatabase } from "../../support/own-database.ts";
import { waitFor } from "../../support/processes.ts";
import { SECRET, TelegramCitizen } from "../../support/telegram-citizen.ts";
import { FAST } from "../../support/telegram-runtime.ts";

let db: OwnDatabase;
let fake: FakeTelegram;
/** The process citizens talk to (webhook and delivery) … */
let chat: Runtime;
/** … and a second process on the same database and Redis prefix, where the administrator publishes. */
let api: Runtime;
let resident: CriteriaSet;
const UNIT = `CR${randomBytes(3).toString("hex").toUpperCase()}`;

beforeAll(async () => {
  db = await ownDatabase("criteria");
  fake = await new FakeTelegram().start();
  const env = {
    DATABASE_URL: db.url,
    ADMIN_TOKEN,
    REDIS_PREFIX: `${testConfig().redisPrefix}_cr${randomBytes(3).toString("hex")}`,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  };
  const config = testConfig(env);
  chat = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500, telegramLimits: FAST });
  api = await createRuntime(config, createLogger(config), { workers: false });
  await insertUnit(db.pool, UNIT, "commune");
  resident = (await loadShippedSets()).find((s) => s.targetGroup === "resident")!;
}, 60_000);

afterAll(async () => {
  await chat?.close();
  await api?.close();
  await fake?.stop();
  await db?.drop();
});

const post = (url: string, payload: unknown) => api.app.inject({ method: "POST", url, headers: { ...admin, "content-type": "application/json" }, payload: JSON.stringify(payload) });
const get = (url: string) => api.app.inject({ method: "GET", url, headers: admin });

async function tableRows(): Promise<{ set_id: string; version: string; status: string; content_hash: string }[]> {
  const { rows } = await db.pool.query(`SELECT set_id, version, status::text, content_hash FROM criteria_sets ORDER BY set_id, version, status, uploaded_at`);
  return rows;
}

/** The resident set under a new version, its first question reworded so that a citizen can tell. */
function nextResident(version: string, marker: string): Record<string, unknown> {
  const copy = structuredClone(resident) as unknown as { version: string; groups: { indicators: { questions: { prompt: { vi: string; en?: string } }[] }[] }[] };
  copy.version = version;
  const first = copy.groups[0]!.indicators[0]!.questions[0]!;
  first.prompt = { vi: `${marker} ${first.prompt.vi}`, ...(first.prompt.en ? { en: `${marker} ${first.prompt.en}` } : {}) };
  return copy;
}

describe("criteria sets in the database", () => {
  it("an empty database gets the shipped sets as the current versions", async () => {
    const res = await get("/api/v1/criteria-sets");
    expect(res.statusCode).toBe(200);
    const sets = res.json().sets as { setId: string; version: string; targetGroup: string; hash: string; status: string; current: boolean; publishedBy: string }[];
    const shipped = await loadShippedSets();
    expect(sets.map((s) => `${s.setId}@${s.version}`).sort()).toEqual(shipped.map((s) => `${s.id}@${s.version}`).sort());
    for (const s of shipped) {
      expect(sets.find((x) => x.setId === s.id)).toMatchObject({ status: "published", current: true, hash: contentHash(s), publishedBy: "shipped" });
    }
    expect(chat.criteria.current("resident")).toMatchObject({ id: resident.id, version: resident.version });
  });

  it("a broken set is refused with every problem's path, and nothing is stored", async () => {
    const before = await tableRows();
    const broken = nextResident("2099.1", "X") as { title?: unknown; groups: { indicators: { questions: Record<string, unknown>[] }[] }[] };
    delete broken.title;
    const questions = broken.groups[0]!.indicators[0]!.questions;
    questions[0]!.type = "essay";
    questions[1]!.showIf = { question: "no_such_question", equals: "x" };
    const res = await post("/api/v1/criteria-sets", broken);
    expect(res.statusCode).toBe(400);
    const error = res.json().error as { code: string; details: { problems: { path: string; message: string }[] } };
    expect(error.code).toBe("criteria_set_invalid");
    const paths = error.details.problems.map((p) => p.path);
    expect(paths).toEqual(["title", "groups[0].indicators[0].questions[0].type", "groups[0].indicators[0].questions[1].showIf.question"]);
    expect(error.details.problems[2]!.message).toMatch(/no_such_question/);
    expect((await post("/api/v1/criteria-sets", [1, 2])).statusCode).toBe(400);
    const bad = await api.app.inject({ method: "POST", url: "/api/v1/criteria-sets", headers: { ...admin, "content-type": "application/json" }, payload: "{not json" });
    expect(bad.statusCode).toBe(400);
    expect(await tableRows()).toEqual(before);
  });

  it("publishing: a new citizen starts on the new version in every process; one half-way finishes on the old", async () => {
    const early = new TelegramCitizen(() => chat, fake);
    await onboard(early, resident, UNIT);
    for (let i = 0; i < 3; i++) await answerCurrent(early, resident, "best", {});
    expect((await early.state()).assessment).toMatchObject({ setId: resident.id, setVersion: resident.version });

    const upload = await post("/api/v1/criteria-sets", nextResident("2099.1", "[MỚI]"));
    expect(upload.statusCode).toBe(201);
    const draft = upload.json().set as { key: string; status: string; version: string };
    expect(draft).toMatchObject({ status: "draft", version: "2099.1" });
    // A draft changes nothing for citizens.
    expect(chat.criteria.current("resident")?.version).toBe(resident.version);

    const preview = await get(`/api/v1/criteria-sets/${draft.key}/preview`);
    expect(preview.statusCode).toBe(200);
    const shown = preview.json() as { intro: string; questions: { id: string; label: string; title: string; text: string; buttons: { label: string }[][] }[] };
    expect(shown.questions[0]!.text).toContain("[MỚI]");
    expect(shown.questions[0]!.title).toMatch(/1/);
    expect(shown.questions[0]!.buttons.flat().length).toBeGreaterThan(1);
    expect(shown.questions.map((q) => q.id)).toEqual(resident.groups.flatMap((g) => g.indicators.flatMap((i) => i.questions.map((q) => q.id))));
    expect(shown.intro).toMatch(/\d+ câu hỏi/);

    const published = await post(`/api/v1/criteria-sets/${draft.key}/publish`, {});
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ outcome: "published", set: { status: "published", version: "2099.1" } });
    const audit = await db.pool.query(`SELECT action, actor_kind FROM audit_log WHERE details->>'version' = '2099.1' ORDER BY id`);
    expect(audit.rows).toEqual([{ action: "criteria.upload", actor_kind: "admin" }, { action: "criteria.publish", actor_kind: "admin" }]);
    // The citizens' process hears of it over pub/sub (its periodic reload is a minute away).
    await waitFor(async () => (chat.criteria.current("resident")?.version === "2099.1" ? true : undefined), 5_000, "the chat process to load 2099.1");

    const late = new TelegramCitizen(() => chat, fake);
    await onboard(late, resident, UNIT);
    expect((await late.state()).assessment).toMatchObject({ setId: resident.id, setVersion: "2099.1" });
    expect(late.allTexts().some((t) => t.includes("[MỚI]"))).toBe(true);

    await answerAll(early, resident, "best");
    await submitReview(early);
    expect(early.allTexts().some((t) => t.includes("[MỚI]"))).toBe(false);
    const { rows } = await db.pool.query(
      `SELECT a.set_version, a.status::text FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
        WHERE c.channel = 'telegram' AND c.external_id = $1`,
      [String(early.chatId)],
    );
    expect(rows).toEqual([{ set_version: resident.version, status: "submitted" }]);
    const lateRows = await db.pool.query(
      `SELECT a.set_version FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id WHERE c.channel = 'telegram' AND c.external_id = $1`,
      [String(late.chatId)],
    );
    expect(lateRows.rows).toEqual([{ set_version: "2099.1" }]);

    const list = (await get("/api/v1/criteria-sets")).json().sets as { version: string; targetGroup: string; current: boolean }[];
    expect(list.filter((s) => s.targetGroup === "resident").map((s) => [s.version, s.current])).toEqual([
      ["2099.1", true],
      [resident.version, false],
    ]);
  }, 60_000);

  it("a changed set under a published version number is refused with 409; the same set again changes nothing", async () => {
    const before = await tableRows();
    const changed = await post("/api/v1/criteria-sets", nextResident("2099.1", "[KHÁC]"));
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe("criteria_version_published");
    expect(await tableRows()).toEqual(before);

    const same = await post("/api/v1/criteria-sets", nextResident("2099.1", "[MỚI]"));
    expect(same.statusCode).toBe(200);
    expect(same.json().set).toMatchObject({ status: "published", version: "2099.1" });
    expect(await tableRows()).toEqual(before);

    // Two drafts of one new version: the first published wins, the other is refused.
    const a = (await post("/api/v1/criteria-sets", nextResident("2099.2", "[A]"))).json().set.key as string;
    const b = (await post("/api/v1/criteria-sets", nextResident("2099.2", "[B]"))).json().set.key as string;
    expect((await post(`/api/v1/criteria-sets/${a}/publish`, {})).statusCode).toBe(200);
    const refused = await post(`/api/v1/criteria-sets/${b}/publish`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/new version number/);
    const { rows } = await db.pool.query(`SELECT id::text FROM criteria_sets WHERE version = '2099.2' AND status = 'published'`);
    expect(rows).toEqual([{ id: a }]);
    expect((await post(`/api/v1/criteria-sets/${a}/publish`, {})).json().outcome).toBe("unchanged");
    await waitFor(async () => (chat.criteria.current("resident")?.version === "2099.2" ? true : undefined), 5_000, "2099.2 current");
  });

  it("a process that missed the announcement catches up on its periodic reload", async () => {
    const deaf = await LiveCatalog.start({ pool: db.pool, redis: chat.redis, prefix: `${chat.config.redisPrefix}_other`, logger: chat.logger, shipped: [], refreshMs: 300 });
    try {
      expect(deaf.current("resident")?.version).toBe("2099.2");
      const key = (await post("/api/v1/criteria-sets", nextResident("2099.4", "[D]"))).json().set.key as string;
      expect((await post(`/api/v1/criteria-sets/${key}/publish`, {})).statusCode).toBe(200);
      await waitFor(async () => (deaf.current("resident")?.version === "2099.4" ? true : undefined), 5_000, "the periodic reload");
      expect(deaf.get(resident.id, resident.version)).toBeDefined();
    } finally {
      deaf.close();
    }
  });

  it("only the administrator manages criteria sets", async () => {
    const anonymous = await api.app.inject({ method: "GET", url: "/api/v1/criteria-sets" });
    expect(anonymous.statusCode).toBe(401);
    const { rows } = await db.pool.query<{ id: string }>(`INSERT INTO people (full_name) VALUES ('Cán bộ') RETURNING id`);
    await db.pool.query(`INSERT INTO officers (person_id, unit_id) SELECT $1, id FROM units WHERE code = $2`, [rows[0]!.id, UNIT]);

    const session = await createSession(db.pool, rows[0]!.id);
    const officer = { authorization: `Bearer ${session.token}` };
    const before = await tableRows();
    expect((await api.app.inject({ method: "GET", url: "/api/v1/criteria-sets", headers: officer })).statusCode).toBe(403);
    const upload = await api.app.inject({ method: "POST", url: "/api/v1/criteria-sets", headers: { ...officer, "content-type": "application/json" }, payload: JSON.stringify(nextResident("2099.9", "[C]")) });
    expect(upload.statusCode).toBe(403);
    expect(await tableRows()).toEqual(before);
  });
});
