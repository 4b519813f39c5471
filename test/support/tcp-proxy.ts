// A TCP proxy of the test's own in front of a real service (PostgreSQL): it can add latency in each
// direction (to count round trips by time) and go down – cut every connection and refuse new ones – and
// come back, like a database that fails and restarts.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /** Everything clients sent since the last call (to look at the wire protocol). */
  takeSent(): Buffer;
  /** The same, as the chunks the proxy read: one per client write when writes are far apart. */
  takeSentChunks(): Buffer[];
  /** Cuts every open connection and refuses new ones until up(). */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, delayMs = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let isDown = false;
  let sent: Buffer[] = [];
  const delayed = (to: Socket) => (chunk: Buffer) => {
    if (delayMs === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), delayMs);
  };
  const server: Server = createServer((client) => {
    if (isDown) return client.destroy();
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("data", (chunk: Buffer) => sent.push(chunk));
    client.on("data", delayed(upstream));
    upstream.on("data", delayed(client));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    takeSent() {
      const all = Buffer.concat(sent);
      sent = [];
      return all;
    },
    takeSentChunks() {
      const chunks = sent;
      sent = [];
      return chunks;
    },
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** host and port of a postgresql:// URL. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || 5432) };
}

/** The URL with host and port replaced by the proxy's. */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}
