// /api/v1/campaigns: create (the learning-week preset or a full definition), list, status with progress
// and effect per round, preview, plan (a dry run), and start / pause / resume / cancel – the CLI's
// operations (server/campaigns/commands.ts) on the same functions and rules. Officers see and run only
// campaigns whose audience is their units or units below them; a campaign for every unit is the
// administrator's. Every change is audited.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { createTranslateSync } from "../../bot/i18n.ts";
import { recordAudit } from "../audit/store.ts";
import { CHANNELS, validateDefinition } from "../campaigns/definition.ts";
import { formatPlan, planCampaign, zaloCost } from "../campaigns/plan.ts";
import { learningWeek } from "../campaigns/preset.ts";
import { previewCampaign } from "../campaigns/preview.ts";
import { campaignStats, formatStats } from "../campaigns/stats.ts";
import { campaignsWithStatus, createCampaign, findCampaign, TRANSITIONS, transition, type CampaignRecord, type CampaignStatus, type Transition } from "../campaigns/store.ts";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { unitByCode, unitsByIds } from "../units/store.ts";
import { actorOf, mayRead, principalOf, type Principal } from "./auth.ts";
import { errorSchema, targetGroup } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const STATUSES: CampaignStatus[] = ["draft", "running", "paused", "cancelled", "finished"];

const summarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(STATUSES as [CampaignStatus, ...CampaignStatus[]]),
  statusReason: z.string().nullable(),
  year: z.number().int(),
  from: z.string(),
  to: z.string(),
  units: z.array(z.string()).describe("audience unit codes, each with its subtree; empty: every unit"),
  groups: z.array(z.string()),
  channels: z.array(z.string()),
  rounds: z.number().int(),
  zaloBudget: z.number().nullable(),
  zaloSpent: z.number(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
});

const summary = (c: CampaignRecord) => ({
  id: c.id, name: c.name, status: c.status, statusReason: c.statusReason, year: c.year, from: c.from, to: c.to,
  units: c.audience.units.map((u) => u.code), groups: c.audience.groups, channels: c.audience.channels, rounds: c.rounds.length,
  zaloBudget: c.zaloBudget, zaloSpent: c.zaloSpent, createdAt: c.createdAt, startedAt: c.startedAt,
});

/** An officer's campaign: one for some units, every one of them theirs or below theirs. */
export const mayRunCampaign = (p: Principal, c: CampaignRecord) => p.kind === "admin" || (c.audience.units.length > 0 && c.audience.units.every((u) => mayRead(p, u.id)));

/** A campaign one may see and run, or a 404. */
async function campaignFor(pool: pg.Pool, p: Principal, id: string): Promise<CampaignRecord> {
  const found = await findCampaign(pool, id);
  if (!found.ok || !mayRunCampaign(p, found.value)) throw new AppError(404, "campaign_not_found", `No campaign ${id} among those you may see.`);
  return found.value;
}

/**
 * Starts, pauses, resumes or cancels a campaign one may run, and audits it with the actor: the API's and
 * the dashboard's one way to move a campaign. A 404 (not among those one may see) or a 409 (wrong_status:
 * the status does not allow it) changes nothing.
 */
export async function moveCampaign(pool: pg.Pool, p: Principal, id: string, action: Transition): Promise<CampaignRecord> {
  const c = await campaignFor(pool, p, id);
  const moved = await transition(pool, c.id, action);
  if (!moved.ok) throw new AppError(moved.code === "not_found" ? 404 : 409, moved.code === "not_found" ? "campaign_not_found" : "wrong_status", moved.message);
  await recordAudit(pool, actorOf(p), `campaign.${action}`, { campaign: c.id, status: moved.value.status });
  return moved.value;
}

const idParams = z.object({ id: z.string().max(64) });

const hhmm = z.string().regex(/^\d\d:\d\d$/);
const createBody = z.object({
  preset: z.literal("learning-week").optional(),
  year: z.number().int().optional(),
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  theme: z.string().max(300).optional(),
  name: z.string().max(200).optional(),
  signature: z.string().max(200).optional(),
  units: z.array(z.string().max(32)).max(500).optional().describe("unit codes; an officer's default: their own units"),
  groups: z.array(targetGroup).optional(),
  channels: z.array(z.enum(CHANNELS)).optional(),
  window: z.object({ start: hhmm, end: hhmm }).optional(),
  zaloBudget: z.number().int().min(0).optional(),
  definition: z.record(z.string(), z.unknown()).optional().describe("a whole campaign definition (as `campaign create --file`) instead of the preset"),
});

export function campaignRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    const campaignOf = (p: Principal, id: string) => campaignFor(pool, p, id);

    r.post(
      "/campaigns",
      {
        schema: {
          summary: "Create a campaign (a draft) from the learning-week preset or a definition; preview, plan, then start it",
          tags: ["campaigns"],
          body: createBody,
          response: { 201: summarySchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const b = request.body;
        let input: unknown;
        if (b.definition !== undefined) input = b.definition;
        else if (b.preset === "learning-week") {
          if (b.year === undefined || !b.from || !b.to) throw new AppError(400, "campaign_invalid", "The preset needs year, from and to (yyyy-mm-dd).");
          const units = b.units ?? (p.kind === "officer" ? await rootCodes(pool, p) : undefined);
          input = learningWeek(createTranslateSync(), {
            year: b.year, from: b.from, to: b.to, theme: b.theme, name: b.name, signature: b.signature, units,
            groups: b.groups, channels: b.channels, window: b.window, zaloBudget: b.zaloBudget,
          });
        } else throw new AppError(400, "campaign_invalid", "Give preset: \"learning-week\" (with year, from, to) or a definition.");
        const valid = validateDefinition(input);
        if (!valid.ok) throw new AppError(400, "campaign_invalid", valid.message);
        if (p.kind === "officer") {
          if (valid.value.audience.units.length === 0) throw new AppError(403, "forbidden", "A campaign for every unit is the administrator's; name your units in audience.units.");
          for (const code of valid.value.audience.units) {
            const unit = await unitByCode(pool, code);
            if (!unit || !mayRead(p, unit.id)) throw new AppError(404, "unit_not_found", `No unit with code ${code} among those you may see.`);
          }
        }
        const created = await createCampaign(pool, valid.value);
        if (!created.ok) throw new AppError(404, "unit_not_found", created.message);
        await recordAudit(pool, actorOf(p), "campaign.create", { campaign: created.value.id, name: created.value.name });
        return reply.code(201).send(summary(created.value));
      },
    );

    r.get(
      "/campaigns",
      {
        schema: {
          summary: "Campaigns one may see, newest first",
          tags: ["campaigns"],
          querystring: z.object({ status: z.enum(STATUSES as [CampaignStatus, ...CampaignStatus[]]).optional() }),
          response: { 200: z.object({ campaigns: z.array(summarySchema) }) },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const all = await campaignsWithStatus(pool, request.query.status ? [request.query.status] : STATUSES);
        return { campaigns: all.filter((c) => mayRunCampaign(p, c)).reverse().map(summary) };
      },
    );

    r.get(
      "/campaigns/:id",
      {
        schema: {
          summary: "A campaign's status and, per round, its progress (materialised, sent, waiting, failed, skipped) and effect within 48 h",
          tags: ["campaigns"],
          params: idParams,
          response: { 200: summarySchema.extend({ stats: z.array(z.record(z.string(), z.unknown())), lines: z.array(z.string()) }), 404: errorSchema },
        },
      },
      async (request) => {
        const c = await campaignOf(principalOf(request), request.params.id);
        const stats = await campaignStats(pool, c);
        return { ...summary(c), stats: stats as unknown as Record<string, unknown>[], lines: formatStats(c, stats) };
      },
    );

    r.get(
      "/campaigns/:id/preview",
      {
        schema: {
          summary: "The campaign's messages as recipients would see them, per round, language and channel",
          tags: ["campaigns"],
          params: idParams,
          querystring: z.object({ round: z.coerce.number().int().min(1).max(30).optional(), lang: z.enum(["vi", "en"]).optional(), channel: z.enum(CHANNELS).optional() }),
          response: { 200: z.object({ lines: z.array(z.string()) }), 400: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const c = await campaignOf(principalOf(request), request.params.id);
        const { round, lang, channel } = request.query;
        if (round !== undefined && round > c.rounds.length) throw new AppError(400, "bad_request", `round: 1–${c.rounds.length}`);
        const lines = previewCampaign(c, createTranslateSync(), {
          ...(round ? { round } : {}), ...(lang ? { langs: [lang] } : {}), ...(channel ? { channels: [channel] } : {}),
        });
        return { lines };
      },
    );

    r.get(
      "/campaigns/:id/plan",
      {
        schema: {
          summary: "The plan (a dry run): each round's audience by channel and reach, delivery time and Zalo cost; nothing is written",
          tags: ["campaigns"],
          params: idParams,
          response: {
            200: z.object({
              rounds: z.array(z.object({
                round: z.number().int(), day: z.number().int(), sendOn: z.string(), to: z.string(),
                counts: z.array(z.object({ channel: z.string(), status: z.string(), reach: z.string(), n: z.number() })),
                materialised: z.number().nullable(), zalo: z.object({ consultation: z.number(), template: z.number(), cost: z.number() }),
              })),
              lines: z.array(z.string()),
            }),
            404: errorSchema,
          },
        },
      },
      async (request) => {
        const c = await campaignOf(principalOf(request), request.params.id);
        const plan = await planCampaign(pool, c, config.campaigns, config.timeZone);
        return {
          rounds: plan.rounds.map((x) => ({
            round: x.round, day: x.day, sendOn: x.sendOn, to: x.to, counts: x.counts.map((k) => ({ ...k, n: Number(k.n) })),
            materialised: x.materialised, zalo: zaloCost(x, config.campaigns),
          })),
          lines: formatPlan(plan),
        };
      },
    );

    r.post(
      "/campaigns/:id/:action",
      {
        schema: {
          summary: "Start a draft, pause or resume a running campaign, or cancel it (a cancel skips every recipient not yet sent to)",
          tags: ["campaigns"],
          params: idParams.extend({ action: z.enum(Object.keys(TRANSITIONS) as [keyof typeof TRANSITIONS, ...(keyof typeof TRANSITIONS)[]]) }),
          response: { 200: summarySchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => summary(await moveCampaign(pool, principalOf(request), request.params.id, request.params.action)),
    );
  };
}

async function rootCodes(pool: pg.Pool, p: Extract<Principal, { kind: "officer" }>): Promise<string[]> {
  return (await unitsByIds(pool, p.roots)).map((u) => u.code);
}
