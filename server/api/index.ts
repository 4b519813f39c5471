// The admin HTTP API under /api/v1, described by OpenAPI generated from the routes' zod schemas and
// browsable at /api/docs (JSON at /api/docs/json). Every /api/v1 route requires credentials.
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type pg from "pg";
import type { Config } from "../config.ts";
import type { HandleSystem } from "../conversation/types.ts";
import { AppError } from "../errors.ts";
import { authenticate, presentedToken } from "./auth.ts";
import { authRoutes, signInRoutes } from "./auth-routes.ts";
import { assessmentRoutes } from "./assessment-routes.ts";
import { campaignRoutes } from "./campaign-routes.ts";
import { decisionRoutes } from "./decision-routes.ts";
import { officerRoutes } from "./officer-routes.ts";
import { reportRoutes } from "./report-routes.ts";
import { unitRoutes } from "./unit-routes.ts";

export interface AdminApiDeps {
  pool: pg.Pool;
  config: Config;
  /** The pipeline's entry for system events: decisions made through the API go through it. */
  handleSystem?: HandleSystem;
  /** More /api/v1 route plugins (reports, metrics …), registered inside the authenticated scope. */
  more?: ((api: FastifyInstance) => Promise<void>)[];
}

export const API_PREFIX = "/api/v1";
/** Uploads (unit imports) may be larger than the default body limit. */
export const UPLOAD_LIMIT_BYTES = 10 * 1_048_576;

export function adminApi(deps: AdminApiDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifySwagger, {
      openapi: {
        info: { title: "Công dân học tập – admin API", version: "1.0.0", description: "Units, targets, reports and exports. Authenticate with Authorization: Bearer <ADMIN_TOKEN or session token>." },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        security: [{ bearer: [] }],
      },
      transform: (input) => (input.url.startsWith("/api/") ? jsonSchemaTransform(input) : { schema: { ...input.schema, hide: true }, url: input.url }),
    });
    await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });
    await app.register(async (open) => {
      open.setValidatorCompiler(validatorCompiler);
      open.setSerializerCompiler(serializerCompiler);
      await signInRoutes(open, deps);
    });
    await app.register(
      async (api) => {
        api.setValidatorCompiler(validatorCompiler);
        api.setSerializerCompiler(serializerCompiler);
        api.decorateRequest("principal", null);
        for (const type of ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"]) {
          api.addContentTypeParser(type, { parseAs: "buffer", bodyLimit: UPLOAD_LIMIT_BYTES }, (_req, body, done) => done(null, body));
        }
        api.addHook("onRequest", async (request) => {
          request.principal = await authenticate(deps.pool, deps.config.adminToken, presentedToken(request));
          if (!request.principal) throw new AppError(401, "unauthorized", "Valid credentials are required: Authorization: Bearer <ADMIN_TOKEN or session token>.");
        });
        await authRoutes(api, deps);
        await unitRoutes(api, deps);
        await reportRoutes(deps)(api);
        await assessmentRoutes(deps)(api);
        await decisionRoutes(deps)(api);
        await officerRoutes(deps)(api);
        await campaignRoutes(deps)(api);
        for (const more of deps.more ?? []) await more(api);
      },
      { prefix: API_PREFIX },
    );
  };
}
