// Whether a browser's request comes from a page of this site, by its Origin header: PUBLIC_BASE_URL's
// origin, or the host the request was sent to (X-Forwarded-Host only when it came through a trusted
// proxy: Fastify's request.host honours TRUST_PROXY). A request without Origin (not a browser) passes;
// the cookies these pages use are SameSite=Lax besides.
import type { FastifyRequest } from "fastify";

export function fromThisSite(request: FastifyRequest, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === publicOrigin) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}
