// Writing to an export's output with backpressure: wait while it is full, and fail if it closes
// instead (fastify destroys the stream when the client goes away), so that an export never waits
// forever with its cursor's connection open.
import { once } from "node:events";
import type { Writable } from "node:stream";

export async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new Error("export: output closed");
  if (!out.write(chunk)) await drain(out);
}

async function drain(out: Writable): Promise<void> {
  const closed = new AbortController();
  const onClose = () => closed.abort();
  out.once("close", onClose);
  try {
    await once(out, "drain", { signal: closed.signal });
  } catch (err) {
    throw closed.signal.aborted ? new Error("export: output closed") : err;
  } finally {
    out.off("close", onClose);
  }
}
