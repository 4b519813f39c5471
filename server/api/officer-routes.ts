// /api/v1/officers: invite an officer to a unit (a Telegram link, a web chat link and a Zalo code, as the
// CLI prints them), list officers, deactivate one, and the units nobody covers. The rules are the CLI's
// (server/officers, server/admin/officers.ts); officers act only on the units strictly below their own
// (their own role comes from above), the administrator on all. Every change is audited.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { createInvitation, invitationLinks, OFFICER_ROLES } from "../officers/invitations.ts";
import { deactivateOfficer, listOfficers, officerUnit } from "../officers/store.ts";
import { MAX_INVITE_MS, parseDuration } from "../officers/tokens.ts";
import { unitsWithoutOfficers } from "../review/reminders.ts";
import { mayChange, mayRead, principalOf, type Principal } from "./auth.ts";
import { errorSchema, unitCode } from "./schemas.ts";
import { readableUnit } from "./unit-routes.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const unitRef = z.object({ code: z.string(), name: z.string() });

const officerSchema = z.object({
  officerId: z.uuid(),
  personId: z.uuid(),
  fullName: z.string().nullable(),
  unit: unitRef,
  role: z.enum(OFFICER_ROLES),
  active: z.boolean(),
  channels: z.array(z.string()),
  since: z.date(),
});

/** Who acted, as the officers module records it: "api" for the administrator, the person for an officer. */
const actorFields = (p: Principal) =>
  p.kind === "admin" ? { createdBy: "api", actorKind: "admin" as const } : { createdBy: p.personId, actorKind: "officer" as const };

function notBelow(code: string): never {
  throw new AppError(403, "forbidden", `Officers manage the officers of the units below their own; ask the officers above ${code} or the administrator.`);
}

export function officerRoutes(deps: Deps) {
  return async (api: FastifyInstance): Promise<void> => {
    const r = api.withTypeProvider<ZodTypeProvider>();
    const { pool, config } = deps;

    r.post(
      "/officers/invitations",
      {
        schema: {
          summary: "Invite an officer (or lead) of a unit: single-use links for Telegram and the web chat and a code for Zalo, shown once",
          tags: ["officers"],
          body: z.object({
            unitCode,
            role: z.enum(OFFICER_ROLES).default("officer"),
            expires: z.string().max(10).optional().describe("a duration such as 7d, 48h or 90m, at most 90d; default OFFICER_INVITE_DAYS"),
          }),
          response: {
            201: z.object({
              id: z.uuid(),
              unit: unitRef,
              role: z.enum(OFFICER_ROLES),
              expiresAt: z.string(),
              links: z.object({ telegram: z.string().nullable(), telegramStartPayload: z.string(), web: z.string(), zaloCode: z.string() }),
            }),
            400: errorSchema,
            403: errorSchema,
            404: errorSchema,
          },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { unitCode: code, role, expires } = request.body;
        const expiresInMs = expires === undefined ? config.review.inviteDays * 86_400_000 : parseDuration(expires);
        if (expiresInMs === undefined || expiresInMs > MAX_INVITE_MS) throw new AppError(400, "bad_request", "expires: a duration such as 7d, 48h or 90m, at most 90d.");
        const unit = await readableUnit(pool, p, code);
        if (!mayChange(p, unit.id)) notBelow(unit.code);
        const issued = await createInvitation(pool, { unitCode: unit.code, role, expiresInMs, now: new Date(), ...actorFields(p) });
        if (!issued.ok) throw new AppError(404, "unit_not_found", `No unit with code ${code}.`);
        const i = issued.value;
        return reply.code(201).send({
          id: i.id,
          unit: { code: i.unit.code, name: i.unit.name },
          role: i.role,
          expiresAt: i.expiresAt.toISOString(),
          links: invitationLinks(i, { telegramUsername: config.telegram.username, publicBaseUrl: config.publicBaseUrl }),
        });
      },
    );

    r.get(
      "/officers",
      {
        schema: {
          summary: "Officers of the units one may see (or of one unit), active first",
          tags: ["officers"],
          querystring: z.object({ unit: unitCode.optional() }),
          response: { 200: z.object({ officers: z.array(officerSchema) }), 404: errorSchema },
        },
      },
      async (request) => {
        const p = principalOf(request);
        if (request.query.unit !== undefined) await readableUnit(pool, p, request.query.unit);
        const listed = await listOfficers(pool, request.query.unit !== undefined ? { unitCode: request.query.unit } : {});
        if (!listed.ok) throw new AppError(404, "unit_not_found", `No unit with code ${request.query.unit}.`);
        return {
          officers: listed.value
            .filter((o) => mayRead(p, o.unit.id))
            .map((o) => ({ ...o, unit: { code: o.unit.code, name: o.unit.name } })),
        };
      },
    );

    r.post(
      "/officers/:id/deactivate",
      {
        schema: {
          summary: "Deactivate an officer (the id from the officer list); they no longer see or decide their unit's submissions",
          tags: ["officers"],
          params: z.object({ id: z.string().max(64) }),
          response: { 200: z.object({ officerId: z.string(), fullName: z.string().nullable(), unit: unitRef }), 403: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { id } = request.params;
        const unit = await officerUnit(pool, id);
        if (!unit || !mayRead(p, unit.id)) throw new AppError(404, "officer_not_found", `No officer ${id} among those you may see.`);
        if (!mayChange(p, unit.id)) notBelow(unit.code);
        const by = p.kind === "admin" ? "api" : p.personId;
        const done = await deactivateOfficer(pool, { officerId: id, by, now: new Date(), actorKind: p.kind });
        if (!done.ok) {
          throw done.code === "inactive"
            ? new AppError(409, "officer_inactive", `Officer ${id} is inactive already.`)
            : new AppError(404, "officer_not_found", `No officer ${id} among those you may see.`);
        }
        return { officerId: id, fullName: done.value.fullName, unit: { code: done.value.unit.code, name: done.value.unit.name } };
      },
    );

    r.get(
      "/officers/uncovered",
      {
        schema: {
          summary: "Units without an active officer (among those one may see), those with waiting submissions first",
          tags: ["officers"],
          response: {
            200: z.object({
              units: z.array(z.object({ code: z.string(), name: z.string(), pending: z.number().int(), coveredByParent: z.boolean(), parentCode: z.string().nullable() })),
            }),
          },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const units = await unitsWithoutOfficers(pool);
        return {
          units: units
            .filter((u) => mayRead(p, u.unit.id))
            .map((u) => ({ code: u.unit.code, name: u.unit.name, pending: u.pending, coveredByParent: u.coveredByParent, parentCode: u.parentCode })),
        };
      },
    );
  };
}
