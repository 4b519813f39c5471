// multipart/form-data bodies as the platforms' fakes receive them (grammY's uploads, fetch's FormData).

export type Upload = { filename: string; bytes: Buffer };

/** A multipart/form-data body as grammY sends it; "attach://<name>" fields resolved to their file part. */
export function parseMultipart(raw: Buffer, boundary: string, options: { files?: boolean } = {}): Record<string, any> | undefined {
  if (!boundary) return undefined;
  const parts: { name: string; filename?: string; data: Buffer }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === "--") break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) return undefined;
    const part = raw.subarray(start + 2, next - 2); // after CRLF, before the CRLF ending the part
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) return undefined;
    const head = part.subarray(0, split).toString("utf8");
    const name = /;\s*name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) return undefined;
    const filename = /;\s*filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: part.subarray(split + 4) });
    at = next;
  }
  const files = new Map<string, Upload>(parts.filter((p) => p.filename !== undefined).map((p) => [p.name, { filename: p.filename!, bytes: p.data }]));
  const body: Record<string, any> = {};
  for (const p of parts) {
    if (p.filename !== undefined) {
      // A file named in the form itself (fetch's FormData), not referred to by "attach://".
      if (options.files) body[p.name] = files.get(p.name);
      continue;
    }
    const value = p.data.toString("utf8");
    const attached = /^attach:\/\/(.+)$/.exec(value);
    if (attached) body[p.name] = files.get(attached[1]!);
    else {
      try {
        body[p.name] = /^[[{]/.test(value) ? JSON.parse(value) : value;
      } catch {
        body[p.name] = value;
      }
    }
  }
  return body;
}
