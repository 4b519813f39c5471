// /api/v1/assessments: the list with filters and keyset pagination (newest first), and one assessment
// with its answers and evidence, for the administrator and the officers of its unit (or above it).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { ASSESSMENT_STATUSES, assessmentDetail, decodeCursor, encodeCursor, listAssessments } from "../reports/assessments.ts";
import { subtreeIds } from "../units/store.ts";
import { mayRead, principalOf } from "./auth.ts";
import { currentYear, reportRoots } from "./report-routes.ts";
import { errorSchema, targetGroup, unitCode, year } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const STATUSES = ASSESSMENT_STATUSES;

const item = z.object({
  id: z.uuid(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  fullName: z.string().nullable(),
  targetGroup,
  year: z.number().int(),
  status: z.enum(STATUSES),
  verdict: z.string().nullable(),
  total: z.number().int().nullable(),
  startedAt: z.date(),
  submittedAt: z.date().nullable(),
  decidedAt: z.date().nullable(),
});

export function assessmentRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    r.get(
      "/assessments",
      {
        schema: {
          summary: "Assessments of a year in a unit and below, newest first, with filters; pass `next` back as `after` for the next page",
          tags: ["assessments"],
          querystring: z.object({
            unit: unitCode.optional(),
            year: year.optional(),
            status: z.enum(STATUSES).optional(),
            verdict: z.string().max(40).optional(),
            targetGroup: targetGroup.optional(),
            after: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(item), next: z.string().nullable() }), 400: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const after = q.after === undefined ? undefined : decodeCursor(q.after);
        if (q.after !== undefined && !after) throw new AppError(400, "bad_cursor", "`after` is not a cursor this API gave out.");
        const roots = await reportRoots(pool, principalOf(request), q.unit);
        const unitIds = roots === null ? null : await subtreeIds(pool, roots);
        const items = await listAssessments(pool, {
          unitIds, year: q.year ?? currentYear(config.timeZone), status: q.status, verdict: q.verdict, targetGroup: q.targetGroup, after, limit: q.limit + 1,
        });
        const page = items.slice(0, q.limit);
        return { items: page, next: items.length > q.limit ? encodeCursor(page.at(-1)!) : null };
      },
    );

    r.get(
      "/assessments/:id",
      {
        schema: {
          summary: "One assessment with its answers and evidence (the administrator, and the officers of its unit or above)",
          tags: ["assessments"],
          params: z.object({ id: z.string().max(64) }),
          response: {
            200: item.extend({ birthYear: z.number().int().nullable(), setId: z.string(), setVersion: z.string(), answers: z.record(z.string(), z.unknown()), evidence: z.record(z.string(), z.unknown()), score: z.unknown(), reason: z.string().nullable() }),
            404: errorSchema,
          },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const detail = await assessmentDetail(pool, request.params.id);
        if (!detail || (p.kind !== "admin" && (detail.unitId === null || !mayRead(p, detail.unitId)))) {
          throw new AppError(404, "assessment_not_found", "No such assessment among those you may see.");
        }
        const { unitId: _unitId, ...out } = detail;
        return out;
      },
    );
  };
}
