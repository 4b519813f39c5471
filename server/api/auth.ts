// Who is calling the admin API: the province administrator (ADMIN_TOKEN as bearer, or an admin session)
// or an officer with a session from a sign-in link, scoped to their units and the units below them.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type pg from "pg";
import type { Actor } from "../audit/store.ts";
import { readCookie } from "../channels/web/cookie.ts";
import { AppError } from "../errors.ts";
import { officerUnitIds, subtreeIds, type UnitRow } from "../units/store.ts";
import { findSession } from "./sessions.ts";

export const SESSION_COOKIE = "cdht_admin";

export type Principal =
  | { kind: "admin" }
  | {
      kind: "officer";
      personId: string;
      /** The units the person is an active officer of. */
      roots: string[];
      /** Those units and every unit below them. */
      scope: Set<string>;
    };

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function isAdminToken(given: string, adminToken: string | undefined): boolean {
  return adminToken !== undefined && timingSafeEqual(digest(given), digest(adminToken));
}

/** The token a request presents: `Authorization: Bearer …` or the dashboard's session cookie. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1];
  }
  return readCookie(request.headers.cookie, SESSION_COOKIE);
}

export async function officerPrincipal(pool: pg.Pool, personId: string): Promise<Principal | null> {
  const roots = await officerUnitIds(pool, personId);
  if (roots.length === 0) return null;
  return { kind: "officer", personId, roots, scope: new Set(await subtreeIds(pool, roots)) };
}

export async function authenticate(pool: pg.Pool, adminToken: string | undefined, token: string | undefined): Promise<Principal | null> {
  if (!token || token.length > 512) return null;
  if (isAdminToken(token, adminToken)) return { kind: "admin" };
  const session = await findSession(pool, token);
  if (!session) return null;
  if (session.personId === null) return { kind: "admin" };
  return officerPrincipal(pool, session.personId);
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError(401, "unauthorized", "Sign in first: send Authorization: Bearer <token>.");
  return request.principal;
}

export function actorOf(p: Principal): Actor {
  return p.kind === "admin" ? { kind: "admin" } : { kind: "officer", personId: p.personId };
}

export function mayRead(p: Principal, unitId: string): boolean {
  return p.kind === "admin" || p.scope.has(unitId);
}

/** Officers change only the units strictly below their own; the administrator changes any. */
export function mayChange(p: Principal, unitId: string): boolean {
  return p.kind === "admin" || (p.scope.has(unitId) && !p.roots.includes(unitId));
}

/** Officers add units under their units or below; only the administrator adds units at the top. */
export function mayCreateUnder(p: Principal, parent: UnitRow | undefined): boolean {
  return p.kind === "admin" || (parent !== undefined && p.scope.has(parent.id));
}

/** Officers may set targets for the units strictly below their own (their own targets come from above). */
export const maySetTargets = mayChange;
