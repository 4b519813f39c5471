// The dashboard's forms change something only when posted from a page of this site: the web chat's
// Origin check (edge/origin.ts) on every request of a dashboard scope that is not a GET – sign-in,
// sign-out, criteria upload and publish, the campaign buttons. A form from another site gets a 403 page
// before its body is read, and nothing is done. A request without Origin (not a browser) passes, as in
// the web chat; the session cookie stays SameSite=Lax besides.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Lang } from "../../bot/types.ts";
import { fromThisSite } from "../edge/origin.ts";
import { adminT } from "./i18n.ts";
import { esc, layout } from "./page.ts";

const langOf = (request: FastifyRequest): Lang => ((request.query as { lang?: string } | undefined)?.lang === "en" ? "en" : "vi");

/** Adds the check to a scope (its routes only, by Fastify's encapsulation). */
export function refuseCrossSiteForms(scope: FastifyInstance, publicBaseUrl: string): void {
  const publicOrigin = new URL(publicBaseUrl).origin;
  scope.addHook("onRequest", async (request, reply) => {
    if (request.method === "GET" || request.method === "HEAD" || fromThisSite(request, publicOrigin)) return;
    const lang = langOf(request);
    const page = layout(lang, adminT(lang, "dashboard.title"), `<section><p class="miss" role="alert" id="cross-site">${esc(adminT(lang, "dashboard.cross_site"))}</p>
<p><a href="${lang === "en" ? "/dashboard?lang=en" : "/dashboard"}">${esc(adminT(lang, "dashboard.back"))}</a></p></section>`);
    return reply.code(403).header("cache-control", "no-store").type("text/html; charset=utf-8").send(page);
  });
}
