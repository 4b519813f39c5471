// POST /api/v1/assessments/:id/decision: an officer confirms, rejects (with a reason) or asks for more
// under exactly the chat's rules – the decision is a system event applied in the officer's conversation
// (server/review/hook.ts → decide.ts): the first decision wins, nobody decides their own assessment,
// only the unit's officers (or leads above it) decide, the decision and its audit entry are written
// with the citizen's notice in the outbox, in one transaction.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import type { HandleSystem } from "../conversation/types.ts";
import { AppError } from "../errors.ts";
import { assessmentDetail } from "../reports/assessments.ts";
import { mayRead, principalOf } from "./auth.ts";
import { errorSchema } from "./schemas.ts";

interface Deps {
  pool: pg.Pool;
  handleSystem?: HandleSystem;
}

const REFUSALS: Record<string, [number, string, string]> = {
  not_found: [404, "assessment_not_found", "No such assessment among those you may decide."],
  not_allowed: [404, "assessment_not_found", "No such assessment among those you may decide."],
  own: [403, "own_assessment", "Nobody decides their own assessment; another officer of the unit will."],
  withdrawn: [409, "withdrawn", "The citizen withdrew this assessment (or erased their data)."],
  not_submitted: [409, "not_submitted", "The assessment is not submitted: the citizen is still editing it."],
  already_decided: [409, "already_decided", "Another decision came first; see details for who decided and when."],
  reason_required: [400, "reason_required", "Say why (reason or reasonCode): a rejection and a request for more need one."],
  invalid: [400, "bad_request", "The decision is not valid."],
};

export function decisionRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    api.withTypeProvider<ZodTypeProvider>().post(
      "/assessments/:id/decision",
      {
        schema: {
          summary: "Decide a submitted assessment (officers of its unit, or leads above it): confirm, reject with a reason, or ask for more; the citizen is told in their chat",
          tags: ["assessments"],
          params: z.object({ id: z.string().max(64) }),
          body: z.object({
            decision: z.enum(["confirmed", "rejected", "needs_more"]),
            reason: z.string().trim().min(1).max(1000).optional().describe("free text the citizen reads"),
            reasonCode: z.enum(["missing_evidence", "answers_inconsistent", "not_member", "add_evidence", "check_answers"]).optional(),
          }),
          response: {
            200: z.object({ assessmentId: z.string(), decision: z.string(), pending: z.number().int().describe("submissions still waiting for this officer") }),
            400: errorSchema,
            403: errorSchema,
            404: errorSchema,
            409: errorSchema,
          },
        },
      },
      async (request) => {
        const p = principalOf(request);
        if (p.kind !== "officer") throw new AppError(403, "officers_decide", "Decisions are made by the unit's officers (sign in with the link /dashboard sends in chat), not with ADMIN_TOKEN.");
        if (!deps.handleSystem) throw new AppError(503, "unavailable", "Decisions are not available on this process.");
        // Outside the officer's units and below: not revealed (decide() then applies the finer rules).
        const found = await assessmentDetail(deps.pool, request.params.id);
        if (!found || found.unitId === null || !mayRead(p, found.unitId)) throw new AppError(...REFUSALS.not_found!);
        const { decision, reason, reasonCode } = request.body;
        const outcome = await deps.handleSystem({
          target: { personId: p.personId, anyAccount: true },
          eventId: `api-decide:${randomUUID()}`,
          event: { type: "system", name: "review.decide", assessmentId: request.params.id, decision, ...(reason ? { reason } : {}), ...(reasonCode ? { reasonCode } : {}) },
        });
        if (outcome.status === "no_account") {
          throw new AppError(409, "no_chat", "Your officer role has no chat conversation left (erased?); ask to be invited again.");
        }
        const d = outcome.status === "applied" ? outcome.review?.decided : undefined;
        if (!d) throw new AppError(500, "decision_lost", "The decision's outcome is unknown; open the assessment again.");
        if (!d.ok) {
          const [status, code, message] = REFUSALS[d.code] ?? [400, "bad_request", "The decision is not valid."];
          throw new AppError(status, code, message, d.code === "already_decided" && d.earlier ? { earlier: d.earlier } : undefined);
        }
        return { assessmentId: d.assessmentId, decision: d.decision, pending: d.pending };
      },
    );
  };
}
