// Signing in: an officer exchanges the token of a sign-in link (sent in chat by /dashboard) for a
// session token; the administrator may create such a link for an officer; /me says who is signed in.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "../audit/store.ts";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";
import { actorOf, presentedToken, principalOf } from "./auth.ts";
import { errorSchema } from "./schemas.ts";
import { createSignInLink, endSession, redeemSignInLink } from "./sessions.ts";

interface Deps {
  pool: pg.Pool;
  config: Config;
}

const sessionSchema = z.object({ token: z.string(), expiresAt: z.string().describe("ISO 8601") });

/** Outside /api/v1: the sign-in link's token is itself the credential. */
export async function signInRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    "/api/auth/sign-in",
    {
      schema: {
        summary: "Exchange a sign-in link's token for a session token (single use, 15 minutes)",
        tags: ["auth"],
        security: [],
        body: z.object({ token: z.string().min(10).max(200) }),
        response: { 200: sessionSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const session = await redeemSignInLink(deps.pool, request.body.token);
      if (!session) throw new AppError(401, "link_invalid", "This sign-in link is unknown, used or expired; ask the bot for a new one with /dashboard.");
      return { token: session.token, expiresAt: session.expiresAt.toISOString() };
    },
  );
}

export async function authRoutes(api: FastifyInstance, deps: Deps): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/me",
    {
      schema: {
        summary: "Who is signed in, and the units they may see",
        tags: ["auth"],
        response: { 200: z.object({ kind: z.enum(["admin", "officer"]), units: z.array(z.object({ code: z.string(), name: z.string() })) }) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind === "admin") return { kind: "admin" as const, units: [] };
      const { rows } = await deps.pool.query<{ code: string; name: string }>(`SELECT code, name FROM units WHERE id = ANY($1::uuid[]) ORDER BY code`, [p.roots]);
      return { kind: "officer" as const, units: rows };
    },
  );
  r.post(
    "/sign-out",
    { schema: { summary: "End this session", tags: ["auth"], response: { 204: z.null() } } },
    async (request, reply) => {
      const token = presentedToken(request);
      if (token) await endSession(deps.pool, token);
      return reply.code(204).send(null);
    },
  );
  r.post(
    "/sign-in-links",
    {
      schema: {
        summary: "Create a sign-in link for an officer (administrator only; officers get theirs in chat with /dashboard)",
        tags: ["auth"],
        body: z.object({ personId: z.uuid() }),
        response: { 201: z.object({ url: z.string(), expiresAt: z.string() }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind !== "admin") throw new AppError(403, "forbidden", "Only the administrator may create sign-in links.");
      const link = await createSignInLink(deps.pool, request.body.personId, deps.config.publicBaseUrl);
      if (!link) throw new AppError(404, "officer_not_found", "That person is no active officer of any unit.");
      await recordAudit(deps.pool, actorOf(p), "sign_in_link.create", { personId: request.body.personId });
      return reply.code(201).send({ url: link.url, expiresAt: link.expiresAt.toISOString() });
    },
  );
}
