// A channel's send budget shared by every worker process: a sliding log of sends in Redis, checked
// right before each platform call, admitting at most `limit` sends in any window of GLOBAL_WINDOW_MS,
// split between the lanes:
//   - reply and notice ("high") take any free token, except that while bulk work waits they leave
//     `reserve` tokens per window to it, so that a campaign is never starved;
//   - bulk takes a token within its reserve at any time, and beyond it only when no reply or notice is
//     waiting for a token and `headroom` tokens stay free – so a reply that arrives during a campaign
//     finds a token at once instead of queueing behind it;
//   - bulk never goes faster than its pace (`bulkPerSecond`, the campaign settings' rate per channel),
//     so that a campaign drains at the rate its plan announced.
// The window is 10% longer than a second and each send is logged again when its call finished
// (finished()), which is never before the platform received it: however slow one call was, the
// platform never sees more than the limit within its own second.
import { LuaScript, type Redis } from "../redis.ts";

export const GLOBAL_WINDOW_MS = 1_100;
const PACE_WINDOW_MS = 1_000;
const SHARE = 0.1;

/**
 * The fastest bulk pace a channel limited to `limit` sends per second can keep: what is left once the
 * replies' headroom is set aside, counted over GLOBAL_WINDOW_MS (30/s leaves 24.5/s).
 */
export function bulkCeiling(limit: number): number {
  return (limit - Math.max(1, Math.ceil(limit * SHARE))) / (GLOBAL_WINDOW_MS / 1000);
}

export type BudgetLane = "high" | "bulk";

export interface BudgetOptions {
  redis: Redis;
  /** Redis key prefix of this channel's budget. */
  key: string;
  limit: number;
  /** Share of the limit kept for bulk while bulk waits (0.1 = 10%). */
  bulkReserveShare?: number;
  /** Share of the limit bulk leaves free for replies that may arrive (0.1 = 10%). */
  headroomShare?: number;
  /** Bulk sends in any second at most (unset: only the limit and the headroom bound bulk). */
  bulkPerSecond?: number;
  /** The clock (tests freeze it). */
  now?: () => number;
}

/**
 * KEYS: 1 all sends, 2 bulk sends, 3 high waiters (scored by expiry), 4 "bulk is waiting" flag,
 *   5 bulk sends by the time they were admitted (the pace).
 * ARGV: now, window, limit, member, lane, reserve, headroom, waiter id, pace (0: none), pace window.
 * Returns 0 when the send is admitted (and logged), else how many ms to wait before asking again.
 */
const TAKE = new LuaScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local lane = ARGV[5]
local reserve = tonumber(ARGV[6])
local headroom = tonumber(ARGV[7])
local pace = tonumber(ARGV[9])
local paceWindow = tonumber(ARGV[10])
if lane == "bulk" and pace > 0 then
  redis.call("zremrangebyscore", KEYS[5], "-inf", now - paceWindow)
  if redis.call("zcard", KEYS[5]) >= pace then
    local first = redis.call("zrange", KEYS[5], 0, 0, "WITHSCORES")
    return math.max(1, tonumber(first[2]) + paceWindow - now + 1)
  end
end
redis.call("zremrangebyscore", KEYS[1], "-inf", now - window)
redis.call("zremrangebyscore", KEYS[2], "-inf", now - window)
redis.call("zremrangebyscore", KEYS[3], "-inf", now)
local total = redis.call("zcard", KEYS[1])
local bulk = redis.call("zcard", KEYS[2])
local admit = false
if total < limit then
  if lane == "bulk" then
    admit = bulk < reserve or (redis.call("zcard", KEYS[3]) == 0 and total < limit - headroom)
  else
    admit = (total - bulk) < limit - reserve or redis.call("exists", KEYS[4]) == 0
  end
end
if admit then
  redis.call("zadd", KEYS[1], now, ARGV[4])
  redis.call("pexpire", KEYS[1], window * 2)
  if lane == "bulk" then
    redis.call("zadd", KEYS[2], now, ARGV[4])
    redis.call("pexpire", KEYS[2], window * 2)
    if pace > 0 then
      redis.call("zadd", KEYS[5], now, ARGV[4])
      redis.call("pexpire", KEYS[5], paceWindow * 2)
    end
  else
    redis.call("zrem", KEYS[3], ARGV[8])
  end
  return 0
end
if lane == "bulk" then
  redis.call("set", KEYS[4], "1", "PX", window * 2)
else
  redis.call("zadd", KEYS[3], now + window * 2, ARGV[8])
  redis.call("pexpire", KEYS[3], window * 4)
end
if total >= limit then
  local oldest = redis.call("zrange", KEYS[1], 0, 0, "WITHSCORES")
  return math.max(1, tonumber(oldest[2]) + window - now + 1)
end
return 25
`);

const FINISH = new LuaScript(`
redis.call("zadd", KEYS[1], ARGV[1], ARGV[2])
redis.call("pexpire", KEYS[1], ARGV[3])
if ARGV[4] == "bulk" then
  redis.call("zadd", KEYS[2], ARGV[1], ARGV[2])
  redis.call("pexpire", KEYS[2], ARGV[3])
end
return 1
`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SendBudget {
  private readonly reserve: number;
  private readonly headroom: number;
  private readonly keys: string[];
  private readonly now: () => number;

  constructor(private readonly o: BudgetOptions) {
    this.reserve = Math.max(1, Math.ceil(o.limit * (o.bulkReserveShare ?? SHARE)));
    this.headroom = Math.max(1, Math.ceil(o.limit * (o.headroomShare ?? SHARE)));
    this.keys = ["sends", "sends-bulk", "waiting-high", "waiting-bulk", "paced-bulk"].map((k) => `${o.key}:${k}`);
    this.now = o.now ?? Date.now;
  }

  /** Waits for a token of the lane; returns the send's entry in the log (for finished()). */
  async take(lane: BudgetLane): Promise<string> {
    const waiter = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
    for (;;) {
      const got = await this.tryTake(lane, waiter);
      if (typeof got === "string") return got;
      await sleep(got);
    }
  }

  /** One attempt: the send's entry in the log when admitted, else how many ms to wait. */
  async tryTake(lane: BudgetLane, waiter = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`): Promise<string | number> {
    const member = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
    const wait = Number(
      await TAKE.run(this.o.redis, this.keys, [this.now(), GLOBAL_WINDOW_MS, this.o.limit, member, lane, this.reserve, this.headroom, waiter, this.o.bulkPerSecond ?? 0, PACE_WINDOW_MS]),
    );
    return wait <= 0 ? member : wait;
  }

  /** Logs the send again at the time its platform call finished. */
  async finished(member: string, lane: BudgetLane): Promise<void> {
    await FINISH.run(this.o.redis, [this.keys[0]!, this.keys[1]!], [this.now(), member, GLOBAL_WINDOW_MS * 2, lane]);
  }
}
