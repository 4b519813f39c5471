// Real processes for tests: a private redis-server on a free port, and our own server process.
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisProcess {
  url: string;
  port: number;
  /** The redis-server process (a test may freeze it with SIGSTOP). */
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedis(port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  const child = spawn("redis-server", ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${p}`;
  await waitFor(() => new Promise<boolean | undefined>((resolve) => {
    const socket = connect(p, "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); resolve(true); });
    socket.on("error", () => resolve(undefined));
  }), 5_000, `redis-server on ${p}`);
  return { url, port: p, child, stop: async () => void (await stopChild(child)) };
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

/** Runs server/main.ts (or another entry) the way `npm start` does, with the given environment. */
export function runEntry(entry: string, env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const started = Date.now();
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.once("exit", (code) => resolve({ code, ms: Date.now() - started })),
  );
  return { child, output: () => out, exited };
}
