// /api/v1/criteria-sets: criteria sets without a code change (administrator only). Upload a set as JSON
// (checked by the rules module; every problem with its path, nothing stored until clean), preview it as
// a citizen would see it, publish it as its target group's current set, list versions. SQL lives in
// server/criteria/store.ts; every change is audited and announced to every process.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { previewSet } from "../../bot/engine/preview.ts";
import { createTranslateSync } from "../../bot/i18n.ts";
import { parseCriteriaSet, type CriteriaSet } from "../../rules/index.ts";
import { recordAudit } from "../audit/store.ts";
import type { Config } from "../config.ts";
import { insertDraft, listSets, publishDraft, publishedVersion, setByKey, versionTaken, type CriteriaSetRecord } from "../criteria/store.ts";
import { AppError } from "../errors.ts";
import { actorOf, principalOf, type Principal } from "./auth.ts";
import { errorSchema, targetGroup } from "./schemas.ts";

export interface CriteriaDeps {
  pool: pg.Pool;
  config: Config;
  /** Tells every process to reload its criteria sets. */
  announce: () => Promise<void>;
}

const recordSchema = z.object({
  key: z.uuid().describe("the upload's handle for preview and publish"),
  setId: z.string(),
  version: z.string(),
  targetGroup,
  hash: z.string().describe("sha256 of the set's canonical JSON"),
  status: z.enum(["draft", "published"]),
  uploadedBy: z.string(),
  publishedBy: z.string().nullable(),
  uploadedAt: z.date(),
  publishedAt: z.date().nullable(),
});
const keyParams = z.object({ key: z.uuid() });
const buttonSchema = z.object({ label: z.string() });
const previewSchema = z.object({
  set: recordSchema,
  title: z.string(),
  intro: z.string(),
  questions: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      shownIf: z.object({ label: z.string(), question: z.string() }).loose().optional(),
      title: z.string().optional(),
      text: z.string(),
      buttons: z.array(z.array(buttonSchema)),
    }),
  ),
});

/** Officers may not change the province's criteria sets. */
export function requireAdmin(request: FastifyRequest): void {
  if (principalOf(request).kind !== "admin") throw new AppError(403, "forbidden", "Only the province administrator manages criteria sets.");
}

const byOf = (p: Principal) => (p.kind === "admin" ? "admin" : `officer:${p.personId}`);

/** Checks an uploaded set; a problem list (400) or a clash with a published version (409) changes nothing. */
export async function checkUpload(pool: pg.Pool, body: unknown): Promise<{ set: CriteriaSet; hash: string; published?: CriteriaSetRecord }> {
  const outcome = parseCriteriaSet(body);
  if (!outcome.ok) {
    const n = outcome.problems.length;
    throw new AppError(400, "criteria_set_invalid", `The set has ${n} problem${n === 1 ? "" : "s"}; nothing was stored. Fix each one at its path and upload again.`, {
      problems: outcome.problems.map((p) => ({ path: p.path, message: p.message })),
    });
  }
  const published = await publishedVersion(pool, outcome.set.id, outcome.set.version);
  if (published && published.hash !== outcome.hash) throw versionTaken(outcome.set.id, outcome.set.version, published.hash, outcome.hash);
  return { set: outcome.set, hash: outcome.hash, ...(published ? { published } : {}) };
}

/** The preview of a stored set in one language. */
export function renderPreview(record: CriteriaSetRecord & { body: unknown }, lang: "vi" | "en", config: Config) {
  const outcome = parseCriteriaSet(record.body);
  if (!outcome.ok) throw new AppError(422, "criteria_set_unreadable", `Stored set ${record.setId}@${record.version} no longer parses; upload it again.`);
  const { key: _k, body: _b, ...rest } = record;
  const preview = previewSet(outcome.set, { t, lang, now: new Date(), timeZone: config.timeZone });
  return {
    set: { key: record.key, ...rest },
    title: outcome.set.title[lang] ?? outcome.set.title.vi,
    intro: preview.intro,
    questions: preview.questions.map((q) => ({
      id: q.id,
      label: q.label,
      ...(q.shownIf ? { shownIf: q.shownIf } : {}),
      ...(q.message.title !== undefined ? { title: q.message.title } : {}),
      text: q.message.text,
      buttons: (q.message.buttons ?? []).map((row) => row.map((b) => ({ label: b.label }))),
    })),
  };
}

const t = createTranslateSync();

/** Publishes a stored set, audits it and tells every process. */
export async function publishStored(deps: CriteriaDeps, p: Principal, key: string, log: FastifyBaseLogger) {
  const outcome = await publishDraft(deps.pool, key, byOf(p), (client, r) =>
    recordAudit(client, actorOf(p), "criteria.publish", { setId: r.setId, version: r.version, targetGroup: r.targetGroup, hash: r.hash }),
  );
  if (outcome.kind === "published") {
    // A lost announcement is covered by each process's periodic reload.
    await deps.announce().catch((err: unknown) => log.warn({ err }, "criteria: announcing the publish failed"));
  }
  return outcome;
}

/** Stores a clean upload as a draft (or returns the identical published version). */
export async function storeUpload(deps: CriteriaDeps, p: Principal, body: unknown): Promise<{ record: CriteriaSetRecord; created: boolean }> {
  const checked = await checkUpload(deps.pool, body);
  if (checked.published) return { record: checked.published, created: false };
  const record = await insertDraft(deps.pool, checked.set, checked.hash, byOf(p), (client, r) =>
    recordAudit(client, actorOf(p), "criteria.upload", { setId: r.setId, version: r.version, hash: r.hash }),
  );
  return { record, created: true };
}

export function criteriaRoutes(deps: CriteriaDeps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    r.get(
      "/criteria-sets",
      {
        schema: {
          summary: "Every uploaded and published criteria set version, and which is current per target group",
          tags: ["criteria"],
          response: { 200: z.object({ sets: z.array(recordSchema.extend({ current: z.boolean() })) }), 403: errorSchema },
        },
      },
      async (request) => {
        requireAdmin(request);
        return { sets: await listSets(pool) };
      },
    );

    r.post(
      "/criteria-sets",
      {
        schema: {
          summary: "Upload a criteria set (JSON, rules/README.md): checked in full, stored as a draft only when clean",
          description: "400 lists every problem with its path (details.problems) and stores nothing. 409: that id and version is already published with other content. An upload identical to a published version answers 200 with that version.",
          tags: ["criteria"],
          body: z.unknown(),
          response: { 200: z.object({ set: recordSchema }), 201: z.object({ set: recordSchema }), 400: errorSchema, 403: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        const { record, created } = await storeUpload(deps, principalOf(request), request.body);
        return reply.code(created ? 201 : 200).send({ set: record });
      },
    );

    r.get(
      "/criteria-sets/:key/preview",
      {
        schema: {
          summary: "A stored set as a citizen would see it: the intro and every question with its buttons, in order",
          tags: ["criteria"],
          params: keyParams,
          querystring: z.object({ lang: z.enum(["vi", "en"]).default("vi") }),
          response: { 200: previewSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        requireAdmin(request);
        const record = await setByKey(pool, request.params.key);
        if (!record) throw new AppError(404, "criteria_set_not_found", `No uploaded criteria set ${request.params.key}.`);
        return renderPreview(record, request.query.lang, config);
      },
    );

    r.post(
      "/criteria-sets/:key/publish",
      {
        schema: {
          summary: "Publish a stored set: it becomes its target group's current set in every process",
          description: "New assessments start on it; assessments in progress finish on the version they began with. 409: the version is already published with other content.",
          tags: ["criteria"],
          params: keyParams,
          response: { 200: z.object({ outcome: z.enum(["published", "unchanged"]), set: recordSchema }), 403: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        requireAdmin(request);
        const outcome = await publishStored(deps, principalOf(request), request.params.key, request.log);
        return { outcome: outcome.kind, set: outcome.record };
      },
    );
  };
}
