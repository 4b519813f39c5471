// /api/v1/charts: server-rendered charts (SVG, or PNG for chats) of a unit's report.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { chartPng, targetsChartSvg, weeklyChartSvg } from "../charts/render.ts";
import type { Config } from "../config.ts";
import { adminT } from "../dashboard/i18n.ts";
import { reportFor, weeklyProgress } from "../reports/store.ts";
import { unitByCode } from "../units/store.ts";
import { principalOf } from "./auth.ts";
import { currentYear, reportRoots } from "./report-routes.ts";
import { unitCode, year } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const query = z.object({ unit: unitCode.optional(), year: year.optional(), format: z.enum(["svg", "png"]).default("svg"), lang: z.enum(["vi", "en"]).default("vi") });

export function chartRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    r.get(
      "/charts/targets",
      { schema: { summary: "Chart: the units directly below a unit (or the roots one may see), share confirmed against target", tags: ["charts"], querystring: query } },
      async (request, reply) => {
        const { unit, format, lang } = request.query;
        const y = request.query.year ?? currentYear(config.timeZone);
        const report = await reportFor(pool, await reportRoots(pool, principalOf(request), unit), y);
        const shown = unit ? report.filter((u) => u.depth === 1) : report.filter((u) => u.depth === 0);
        const rows = shown.length > 0 ? shown : report.slice(0, 1);
        const title = adminT(lang, "chart.targets_title", { unit: unit ? report[0]?.name : adminT(lang, "chart.all_units"), year: y });
        const svg = await targetsChartSvg(rows, lang, title);
        return format === "png" ? reply.type("image/png").send(chartPng(svg)) : reply.type("image/svg+xml; charset=utf-8").send(svg);
      },
    );

    r.get(
      "/charts/weekly",
      { schema: { summary: "Chart: submissions and confirmations per week", tags: ["charts"], querystring: query } },
      async (request, reply) => {
        const { unit, format, lang } = request.query;
        const y = request.query.year ?? currentYear(config.timeZone);
        const roots = await reportRoots(pool, principalOf(request), unit);
        const weeks = await weeklyProgress(pool, roots, y, config.timeZone);
        const name = unit ? (await unitByCode(pool, unit))?.name : adminT(lang, "chart.all_units");
        const svg = await weeklyChartSvg(weeks, lang, adminT(lang, "chart.weekly_title", { unit: name, year: y }));
        return format === "png" ? reply.type("image/png").send(chartPng(svg)) : reply.type("image/svg+xml; charset=utf-8").send(svg);
      },
    );
  };
}
