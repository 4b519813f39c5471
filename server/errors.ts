// One error shape for every HTTP response: { error: { code, message } }, logged once here.
import type { FastifyError, FastifyInstance } from "fastify";

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Seconds a client is told to wait (Retry-After) when a service the request needs is down. */
export const RETRY_AFTER_SECONDS = 5;

/** PostgreSQL cannot be reached (refused, cut, the pool's connect timeout, shutting down or starting). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "";
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03"].includes(code) ||
    code.startsWith("08") ||
    /Connection terminated|timeout exceeded when trying to connect|not queryable|Client has encountered a connection error/i.test(message)
  );
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: "not_found", message: `No route for ${request.method} ${request.url}` } });
  });
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
      if (error.statusCode === 503 && !reply.hasHeader("retry-after")) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      return reply.code(error.statusCode).send({
        error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, "database unavailable");
      return reply
        .code(503)
        .header("retry-after", String(RETRY_AFTER_SECONDS))
        .send({ error: { code: "unavailable", message: "The service is briefly unavailable; try again in a few seconds." } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.code(500).send({ error: { code: "internal", message: "Internal error; it has been logged." } });
    }
    const code = error.validation ? "bad_request" : (error.code ?? "bad_request").toLowerCase();
    return reply.code(status).send({ error: { code, message: error.message } });
  });
}
