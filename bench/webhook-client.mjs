// The load of bench/webhook, in a worker thread of its own so that the clients' HTTP work does not
// share the server's event loop: each client posts "1" (the first choice) to its citizens in turn until
// the deadline and reports every request's latency.
import { parentPort, workerData } from "node:worker_threads";

// Plain JavaScript: a worker thread does not inherit tsx's loader.
/** @type {{ url: string, secret: string, clients: number[][], deadline: number, firstUpdateId: number }} */
const order = workerData;
let updateId = order.firstUpdateId;

/** @param {number} chatId */
async function post(chatId) {
  const id = updateId++;
  const body = JSON.stringify({
    update_id: id,
    message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "B" }, text: "1" },
  });
  const res = await fetch(order.url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": order.secret },
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

/** @type {number[]} */
const latencies = [];
await Promise.all(
  order.clients.map(async (mine) => {
    for (let n = 0; Date.now() < order.deadline; n++) {
      const t0 = performance.now();
      await post(mine[n % mine.length]);
      latencies.push(performance.now() - t0);
    }
  }),
);
parentPort.postMessage(latencies);
