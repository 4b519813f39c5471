// /api/v1/reports and /api/v1/exports: figures of a year for a unit and everything below it, and the
// dossier's exports (XLSX, CSV), streamed.
import { PassThrough, type Writable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import type { Config } from "../config.ts";
import { writeAssessmentsCsv, writeReportXlsx, writeSummaryCsv } from "../reports/export.ts";
import { campaignEffect } from "../reports/campaign-effect.ts";
import { reportFor, weeklyProgress } from "../reports/store.ts";
import { allUnits } from "../units/store.ts";
import { principalOf, type Principal } from "./auth.ts";
import { errorSchema, targetGroup, unitCode, unitKind, year } from "./schemas.ts";
import { readableUnit } from "./unit-routes.ts";
import { dateTimeFormat } from "../../bot/intl.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

/** The evaluation year now in the configured time zone. */
export function currentYear(timeZone: string, now = new Date()): number {
  return Number(dateTimeFormat("en", { timeZone, year: "numeric" }).format(now));
}

/** The roots a report covers: the unit asked for, or everything one may see (null: the whole province). */
export async function reportRoots(pool: pg.Pool, p: Principal, code: string | undefined): Promise<string[] | null> {
  if (code) return [(await readableUnit(pool, p, code)).id];
  if (p.kind === "admin") return null;
  // An officer of a commune and of one of its villages: the village is inside the commune's report.
  const parentOf = new Map((await allUnits(pool)).map((u) => [u.id, u.parentId]));
  return p.roots.filter((root) => {
    for (let up = parentOf.get(root); up; up = parentOf.get(up)) if (p.roots.includes(up)) return false;
    return true;
  });
}

const query = z.object({ unit: unitCode.optional(), year: year.optional() });

const figures = {
  members: z.number().int().nullable(),
  started: z.number().int(),
  submitted: z.number().int(),
  confirmed: z.number().int(),
  share: z.number().nullable().describe("confirmed / members, 0–1"),
};
export const unitReportSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  kind: unitKind,
  parentCode: z.string().nullable(),
  depth: z.number().int(),
  ...figures,
  targetPercent: z.number().int().nullable(),
  meetsTarget: z.boolean().nullable(),
  learningUnit: z.boolean().nullable().describe("at least 90% of members hold the title"),
  groups: z.array(z.object({ targetGroup, ...figures, targetPercent: z.number().int().nullable(), meetsTarget: z.boolean().nullable() })),
});

export function stream(request: FastifyRequest, reply: FastifyReply, type: string, filename: string, write: (out: Writable) => Promise<void>) {
  const out = new PassThrough();
  write(out).then(
    () => out.end(),
    (err: unknown) => {
      request.log.error({ err }, "export failed");
      out.destroy(err as Error);
    },
  );
  return reply.type(type).header("content-disposition", `attachment; filename="${filename}"`).send(out);
}

export function reportRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    r.get(
      "/reports",
      {
        schema: {
          summary: "Figures of a year per unit, rolled up the tree, by target group, against targets",
          description: "Without `unit`: every unit one may see. The first entry is the root; units follow depth-first.",
          tags: ["reports"],
          querystring: query,
          response: { 200: z.object({ year: z.number().int(), units: z.array(unitReportSchema) }), 404: errorSchema },
        },
      },
      async (request) => {
        const y = request.query.year ?? currentYear(config.timeZone);
        const roots = await reportRoots(pool, principalOf(request), request.query.unit);
        return { year: y, units: await reportFor(pool, roots, y) };
      },
    );

    r.get(
      "/reports/weekly",
      {
        schema: {
          summary: "Submissions and confirmations per week of a year",
          tags: ["reports"],
          querystring: query,
          response: {
            200: z.object({
              year: z.number().int(),
              weeks: z.array(z.object({ week: z.string(), submitted: z.number().int(), confirmed: z.number().int(), cumulativeSubmitted: z.number().int(), cumulativeConfirmed: z.number().int() })),
            }),
            404: errorSchema,
          },
        },
      },
      async (request) => {
        const y = request.query.year ?? currentYear(config.timeZone);
        const roots = await reportRoots(pool, principalOf(request), request.query.unit);
        return { year: y, weeks: await weeklyProgress(pool, roots, y, config.timeZone) };
      },
    );

    const exportOf = async (request: FastifyRequest) => {
      const q = request.query as z.infer<typeof query>;
      const y = q.year ?? currentYear(config.timeZone);
      const roots = await reportRoots(pool, principalOf(request), q.unit);
      return { y, roots, report: await reportFor(pool, roots, y), label: q.unit ?? "all" };
    };

    r.get(
      "/exports/report.xlsx",
      { schema: { summary: "The dossier's workbook: a summary sheet and one sheet per unit with its assessments (streamed)", tags: ["exports"], querystring: query } },
      async (request, reply) => {
        const { y, roots, report, label } = await exportOf(request);
        const effect = await campaignEffect(pool, roots, y);
        return stream(request, reply, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", `bang-tong-hop-${label}-${y}.xlsx`, (out) => writeReportXlsx(pool, out, report, y, "vi", effect));
      },
    );

    r.get(
      "/exports/summary.csv",
      { schema: { summary: "The summary (one line per unit) as CSV", tags: ["exports"], querystring: query } },
      async (request, reply) => {
        const { y, report, label } = await exportOf(request);
        return stream(request, reply, "text/csv; charset=utf-8", `tong-hop-${label}-${y}.csv`, (out) => writeSummaryCsv(out, report));
      },
    );

    r.get(
      "/exports/assessments.csv",
      { schema: { summary: "Every assessment of the year in the units, one line each, as CSV (streamed)", tags: ["exports"], querystring: query } },
      async (request, reply) => {
        const { y, report, label } = await exportOf(request);
        return stream(request, reply, "text/csv; charset=utf-8", `danh-sach-${label}-${y}.csv`, (out) => writeAssessmentsCsv(pool, out, report, y));
      },
    );
  };
}
