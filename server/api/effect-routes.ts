// Campaign effect per unit: /api/v1/reports/campaign-effect (figures), /api/v1/charts/campaign-effect
// (SVG or PNG) and /api/v1/exports/campaign-effect.csv; the dossier's XLSX carries it as a sheet.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { chartPng } from "../charts/render.ts";
import { effectChartSvg } from "../charts/effect.ts";
import type { Config } from "../config.ts";
import { adminT } from "../dashboard/i18n.ts";
import { AppError } from "../errors.ts";
import { campaignEffect, campaignName, DEFAULT_EFFECT_DAYS } from "../reports/campaign-effect.ts";
import { writeEffectCsv } from "../reports/effect-export.ts";
import { principalOf } from "./auth.ts";
import { currentYear, reportRoots, stream } from "./report-routes.ts";
import { errorSchema, unitCode, year } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const query = z.object({
  unit: unitCode.optional(),
  year: year.optional(),
  days: z.coerce.number().int().min(1).max(90).default(DEFAULT_EFFECT_DAYS).describe("the window after a message, in days"),
  campaign: z.uuid().optional().describe("one campaign; default: every campaign of the year"),
});
type Query = z.infer<typeof query>;

const figures = z.object({
  people: z.number().int(),
  started: z.number().int(),
  submitted: z.number().int(),
  confirmed: z.number().int(),
  startedShare: z.number().nullable(),
  submittedShare: z.number().nullable(),
  confirmedShare: z.number().nullable(),
});
const effectSchema = z.object({
  year: z.number().int(),
  days: z.number().int(),
  campaign: z.object({ id: z.string(), name: z.string() }).nullable(),
  firstMessageAt: z.date().nullable(),
  units: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), parentCode: z.string().nullable(), depth: z.number().int(), messaged: figures, notMessaged: figures })),
});

export function effectRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    const effectOf = async (request: FastifyRequest, q: Query) => {
      const y = q.year ?? currentYear(config.timeZone);
      const roots = await reportRoots(pool, principalOf(request), q.unit);
      let campaign: { id: string; name: string } | undefined;
      if (q.campaign) {
        campaign = await campaignName(pool, q.campaign);
        if (!campaign) throw new AppError(404, "campaign_not_found", `No campaign ${q.campaign}.`);
      }
      return campaignEffect(pool, roots, y, { days: q.days, ...(campaign ? { campaign } : {}) });
    };

    r.get(
      "/reports/campaign-effect",
      {
        schema: {
          summary: "Campaign effect per unit: started, submitted and confirmed within N days after a campaign message, messaged against not messaged",
          description: "Messaged: people a campaign of the year sent a message to, counted from their first message. Not messaged: the units' other people, counted from the first campaign message in scope. Rolled up the unit tree.",
          tags: ["reports"],
          querystring: query,
          response: { 200: effectSchema, 400: errorSchema, 404: errorSchema },
        },
      },
      async (request) => effectOf(request, request.query),
    );

    r.get(
      "/charts/campaign-effect",
      {
        schema: {
          summary: "Chart: campaign effect per unit (the units directly below a unit, or the roots one may see)",
          tags: ["charts"],
          querystring: query.extend({ format: z.enum(["svg", "png"]).default("svg"), lang: z.enum(["vi", "en"]).default("vi") }),
        },
      },
      async (request, reply) => {
        const { format, lang, unit } = request.query;
        const effect = await effectOf(request, request.query);
        const shown = unit ? effect.units.filter((u) => u.depth === 1) : effect.units.filter((u) => u.depth === 0);
        const rows = shown.length > 0 ? shown : effect.units.slice(0, 1);
        const title = adminT(lang, "effect.chart_title", { unit: unit ? effect.units[0]?.name : adminT(lang, "chart.all_units"), year: effect.year, days: effect.days });
        const svg = await effectChartSvg(rows, lang, title);
        return format === "png" ? reply.type("image/png").send(chartPng(svg)) : reply.type("image/svg+xml; charset=utf-8").send(svg);
      },
    );

    r.get(
      "/exports/campaign-effect.csv",
      { schema: { summary: "The campaign effect per unit as CSV", tags: ["exports"], querystring: query } },
      async (request, reply) => {
        const effect = await effectOf(request, request.query);
        return stream(request, reply, "text/csv; charset=utf-8", `hieu-qua-chien-dich-${request.query.unit ?? "all"}-${effect.year}.csv`, (out) => writeEffectCsv(out, effect));
      },
    );
  };
}
