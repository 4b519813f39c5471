// @fastify/rate-limit ships its Redis store as a file of its own without types: what rate-limit.ts uses.
declare module "@fastify/rate-limit/store/RedisStore.js" {
  import type { FastifyRateLimitStore } from "@fastify/rate-limit";
  const RedisStore: new (continueExceeding: boolean, exponentialBackoff: boolean, redis: unknown, nameSpace?: string) => FastifyRateLimitStore;
  export default RedisStore;
}
