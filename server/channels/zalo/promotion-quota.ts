// Zalo's cap of one promotion message per user per day, enforced right before the call across all
// processes: a Redis key per (user, Vietnam date) taken with SET NX. A call Zalo refused gives the day
// back; one that may have reached Zalo keeps it (better a reminder a day late than a refused one).
import type { Redis } from "../../redis.ts";

export interface PromotionQuota {
  /** True when this user has had no promotion today (and now has one counted). */
  take(userId: string, at: Date): Promise<boolean>;
  /** Gives today's promotion back (Zalo refused the call). */
  giveBack(userId: string, at: Date): Promise<void>;
}

/** The date in Vietnam (Zalo counts its days there). */
function vnDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function redisPromotionQuota(redis: Redis, prefix: string): PromotionQuota {
  const key = (userId: string, at: Date) => `${prefix}:zalo:promotion:${vnDate(at)}:${userId}`;
  return {
    async take(userId, at) {
      return (await redis.set(key(userId, at), "1", "EX", 2 * 86_400, "NX")) === "OK";
    },
    async giveBack(userId, at) {
      await redis.del(key(userId, at));
    },
  };
}

/** Until 06:00 of the next Vietnam day, when the user may have a promotion again. */
export function nextPromotionDayMs(at: Date): number {
  const vn = at.getTime() + 7 * 3_600_000;
  const nextDay = Math.floor(vn / 86_400_000) * 86_400_000 + 86_400_000 + 6 * 3_600_000;
  return nextDay - vn;
}
