// The load of bench/webhook, in a worker thread of its own so that the clients' work does not share the
// server's event loop. Each client keeps one HTTP/1.1 keep-alive connection (plain sockets, like wrk or
// autocannon, so that the load generator costs little next to the server) and posts "1" (the first
// choice) to its citizens in turn until the deadline, reporting every request's latency.
// Plain JavaScript: a worker thread does not inherit tsx's loader.
import { connect } from "node:net";
import { parentPort, workerData } from "node:worker_threads";

/** @type {{ url: string, secret: string, clients: number[][], deadline: number, firstUpdateId: number }} */
const order = workerData;
const target = new URL(order.url);
let updateId = order.firstUpdateId;

/** One keep-alive connection; request() resolves with the status of the answer to one POST. */
function connection() {
  const socket = connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  let buffer = "";
  /** @type {((status: number) => void) | null} */
  let waiting = null;
  socket.setEncoding("latin1");
  socket.on("data", (chunk) => {
    buffer += chunk;
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = buffer.slice(0, end);
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return;
    buffer = buffer.slice(end + 4 + length);
    const resolve = waiting;
    waiting = null;
    resolve?.(Number(head.slice(9, 12)));
  });
  const ready = new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return {
    /** @param {number} chatId */
    async request(chatId) {
      await ready;
      const id = updateId++;
      const body = Buffer.from(
        JSON.stringify({
          update_id: id,
          message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: "B" }, text: "1" },
        }),
      );
      const head =
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
        `X-Telegram-Bot-Api-Secret-Token: ${order.secret}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const status = new Promise((resolve) => (waiting = resolve));
      socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
      return status;
    },
    close: () => socket.destroy(),
  };
}

/** @type {number[]} */
const latencies = [];
await Promise.all(
  order.clients.map(async (mine) => {
    const c = connection();
    for (let n = 0; Date.now() < order.deadline; n++) {
      const t0 = performance.now();
      const status = await c.request(mine[n % mine.length]);
      latencies.push(performance.now() - t0);
      if (status !== 200) throw new Error(`webhook answered ${status}`);
    }
    c.close();
  }),
);
parentPort.postMessage(latencies);
