// Reads a photo's body for POST /chat/api/evidence. Fastify's own reader answers a too-large body at
// once and closes the connection while the browser is still sending, so the browser sees a reset
// instead of our JSON error. Here a too-large body is read to its end and dropped (never kept in
// memory) before the 413, up to DRAIN_FACTOR times the limit; beyond that the answer goes at once.
import type { Readable } from "node:stream";
import { AppError } from "../../errors.ts";

const DRAIN_FACTOR = 4;

export function readUploadBody(
  payload: Readable,
  declared: string | undefined,
  limit: number,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const mb = Math.floor(limit / (1024 * 1024));
  const tooLarge = () => new AppError(413, "file_too_large", `The photo is larger than ${mb} MB.`);
  const length = declared === undefined ? Number.NaN : Number(declared);
  const drainCap = limit * DRAIN_FACTOR;
  if (length > drainCap) return done(tooLarge());
  let over = length > limit;
  let received = 0;
  let finished = false;
  const chunks: Buffer[] = [];
  const finish = (error: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.off("data", onData);
    payload.off("end", onEnd);
    payload.off("error", onError);
    done(error, body);
  };
  function onData(chunk: Buffer | string) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > drainCap) return finish(tooLarge());
    if (!over && received > limit) {
      over = true;
      chunks.length = 0;
    }
    if (!over) chunks.push(bytes);
  }
  function onEnd() {
    if (over) return finish(tooLarge());
    if (!Number.isNaN(length) && received !== length) {
      return finish(new AppError(400, "unsupported_file_type", "The body's length does not match its Content-Length."));
    }
    finish(null, Buffer.concat(chunks, received));
  }
  function onError(error: Error) {
    finish(new AppError(400, "upload_interrupted", `The photo did not arrive whole (${error.message}); send it again.`));
  }
  payload.on("data", onData);
  payload.on("end", onEnd);
  payload.on("error", onError);
  payload.resume();
}
