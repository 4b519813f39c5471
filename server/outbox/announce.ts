// "Delivered" announcements over Redis, for channels whose reader waits on our own server (the web
// chat's long poll) instead of a platform: after a row of such a channel is marked delivered, the
// worker records the recipient's highest delivered row id and publishes it. A waiting reader subscribes
// first, then compares that id with what it has shown, and reads the database only when there is
// something new – an idle page costs no query.
import type { ChannelName } from "../../bot/types.ts";
import { LuaScript, type Redis } from "../redis.ts";

/** How long the last delivered id is remembered without activity (each read renews it). */
export const LAST_DELIVERED_TTL_MS = 7 * 86_400_000;

export const lastDeliveredKey = (prefix: string, channel: ChannelName, recipient: string) =>
  `${prefix}:outbox:delivered:${channel}:${recipient}`;
export const deliveredChannel = (prefix: string, channel: ChannelName, recipient: string) =>
  `${prefix}:outbox:delivered-pub:${channel}:${recipient}`;

/** KEYS[1] last id; ARGV: id, ttl, pub/sub channel. Keeps the highest id, then publishes this one. */
const ANNOUNCE = new LuaScript(`
local current = redis.call("get", KEYS[1])
if not current or tonumber(current) < tonumber(ARGV[1]) then
  redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2])
else
  redis.call("pexpire", KEYS[1], ARGV[2])
end
return redis.call("publish", ARGV[3], ARGV[1])
`);

export async function announceDelivered(redis: Redis, prefix: string, channel: ChannelName, recipient: string, rowId: string): Promise<void> {
  await ANNOUNCE.run(redis, [lastDeliveredKey(prefix, channel, recipient)], [rowId, LAST_DELIVERED_TTL_MS, deliveredChannel(prefix, channel, recipient)]);
}
