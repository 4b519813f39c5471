// A streaming ZIP writer for the exports: entries one after another, each deflated chunk by chunk
// with zlib's one-shot raw deflate (flushed to a byte boundary between chunks, finished by the last),
// its CRC and sizes in a data descriptor after the data, the central directory at the end. Nothing of
// an entry outlives its chunk but five numbers. exceljs's zip (archiver) opens a zlib stream per
// entry, and in the server each one's 16 KB output buffer stayed until V8's next full collection:
// ~16 KB a sheet, 30–40 MB by the time a 5,000-sheet export triggered one.
import type { Writable } from "node:stream";
import { constants, crc32, deflateRawSync } from "node:zlib";
import { write } from "./output.ts";

interface Entry {
  name: Buffer;
  crc: number;
  size: number;
  compressed: number;
  offset: number;
}

/** Without ZIP64 a ZIP has at most 65,535 entries and 4 GiB of data, offsets and sizes. */
const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;
/** Bits 3 (sizes and CRC in a data descriptor) and 11 (names in UTF-8). */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;

export class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private current: Entry | undefined;
  private readonly time: number;
  private readonly date: number;

  constructor(private readonly out: Writable, private readonly level = 1, now = new Date()) {
    this.time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
    this.date = ((now.getFullYear() - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
  }

  /** Starts an entry; the one before must be ended. */
  async begin(name: string): Promise<void> {
    if (this.current) throw new Error(`zip: entry ${this.current.name.toString()} is still open`);
    if (this.entries.length === MAX_ENTRIES) throw new Error("zip: too many entries without ZIP64");
    const entry: Entry = { name: Buffer.from(name, "utf8"), crc: 0, size: 0, compressed: 0, offset: this.offset };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    header.writeUInt16LE(entry.name.length, 26);
    this.current = entry;
    await this.write(Buffer.concat([header, entry.name]));
  }

  /** Compresses and writes a chunk of the open entry. */
  async data(chunk: string | Buffer): Promise<void> {
    await this.deflate(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk, constants.Z_SYNC_FLUSH);
  }

  /** Ends the open entry: the deflate stream's last block and the data descriptor. */
  async end(): Promise<void> {
    const entry = this.current;
    if (!entry) throw new Error("zip: no open entry");
    await this.deflate(Buffer.alloc(0), constants.Z_FINISH);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    descriptor.writeUInt32LE(entry.compressed, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    this.current = undefined;
    this.entries.push(entry);
    await this.write(descriptor);
  }

  /** A whole small entry at once. */
  async file(name: string, text: string): Promise<void> {
    await this.begin(name);
    await this.data(text);
    await this.end();
  }

  /** Writes the central directory; the output is complete (the caller ends the stream). */
  async finish(): Promise<void> {
    if (this.current) throw new Error(`zip: entry ${this.current.name.toString()} is still open`);
    const start = this.offset;
    for (const e of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(VERSION, 4);
      header.writeUInt16LE(VERSION, 6);
      header.writeUInt16LE(FLAGS, 8);
      header.writeUInt16LE(DEFLATE, 10);
      header.writeUInt16LE(this.time, 12);
      header.writeUInt16LE(this.date, 14);
      header.writeUInt32LE(e.crc, 16);
      header.writeUInt32LE(e.compressed, 20);
      header.writeUInt32LE(e.size, 24);
      header.writeUInt16LE(e.name.length, 28);
      header.writeUInt32LE(e.offset, 42);
      await this.write(Buffer.concat([header, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
  }

  private async deflate(data: Buffer, flush: number): Promise<void> {
    const entry = this.current;
    if (!entry) throw new Error("zip: no open entry");
    entry.crc = crc32(data, entry.crc);
    entry.size += data.length;
    const compressed = deflateRawSync(data, { level: this.level, finishFlush: flush });
    entry.compressed += compressed.length;
    if (entry.size > MAX_BYTES || entry.compressed > MAX_BYTES) throw new Error("zip: entry too large without ZIP64");
    await this.write(compressed);
  }

  private async write(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    if (this.offset > MAX_BYTES) throw new Error("zip: archive too large without ZIP64");
    await write(this.out, chunk);
  }
}
