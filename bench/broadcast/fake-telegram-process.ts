// The fake Telegram Bot API in a process of its own for bench/broadcast drain, so that the server's
// figures (RSS, CPU) are the server's. Prints its API root on stdout; answers "count" on IPC with the
// number of sendMessage calls so far, and "stats" with the number per chat and the time of each.
import { FakeTelegram } from "../../test/support/fake-telegram.ts";

const fake = await new FakeTelegram(process.argv[2]).start();
const times: number[] = [];
const perChat = new Map<string, number>();
fake.onCall((call) => {
  if (call.method !== "sendMessage") return;
  times.push(call.at);
  const chat = String(call.body.chat_id);
  perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
});
// Memory: the fake keeps every call; the bench needs only counts and times.
setInterval(() => fake.calls.splice(0, fake.calls.length), 1000).unref();
process.on("message", (m) => {
  if (m === "count") process.send!({ sent: times.length });
  if (m === "stats") {
    let duplicates = 0;
    for (const n of perChat.values()) if (n > 1) duplicates += n - 1;
    process.send!({ times, chats: perChat.size, duplicates });
  }
  if (m === "stop") void fake.stop().then(() => process.exit(0));
});
console.log(fake.apiRoot);
