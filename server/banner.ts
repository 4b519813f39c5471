// What `npm start` prints once for the person at the terminal, outside the JSON logs: the web chat's
// address on this machine and on the local network (for phones on the same Wi-Fi), with a QR code of
// the latter to scan. Not printed in production, where stdout is a log stream.
import { networkInterfaces } from "node:os";
import QRCode from "qrcode";

/** This machine's IPv4 address on the local network (private ranges first), if it has one. */
export function lanAddress(interfaces = networkInterfaces()): string | undefined {
  const candidates = Object.values(interfaces)
    .flat()
    .filter((a): a is NonNullable<typeof a> => a !== undefined && a.family === "IPv4" && !a.internal)
    .map((a) => a.address);
  const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
  return candidates.find(isPrivate) ?? candidates[0];
}

/** The chat URL with another origin (same path and query). */
export function withOrigin(url: string, origin: string): string {
  const u = new URL(url);
  return `${origin}${u.pathname}${u.search}`;
}

export interface BannerInput {
  /** The chat's address as configured (PUBLIC_BASE_URL …/chat?u=…). */
  chatUrl: string;
  /** The interface the server listens on (HOST) and its port. */
  host: string;
  port: number;
  lan?: string;
}

/** The banner text; the phone address and its QR code only when the server listens on every interface. */
export async function startBanner(input: BannerInput): Promise<string> {
  const local = withOrigin(input.chatUrl, `http://localhost:${input.port}`);
  const configured = new URL(input.chatUrl);
  const isLocal = ["localhost", "127.0.0.1", "[::1]"].includes(configured.hostname);
  const everywhere = input.host === "0.0.0.0" || input.host === "::";
  const phone = !isLocal ? input.chatUrl : everywhere && input.lan ? withOrigin(input.chatUrl, `http://${input.lan}:${input.port}`) : undefined;
  const lines = ["", "Web chat on this computer:  " + local];
  if (phone) {
    lines.push("Web chat on a phone on the same network:  " + phone, "");
    const qr = await QRCode.toString(phone, { type: "terminal", small: true, errorCorrectionLevel: "M" });
    lines.push(qr.trimEnd());
  } else {
    lines.push("(Phones on the same network can open it when HOST is 0.0.0.0 and this computer has a network address.)");
  }
  return lines.join("\n") + "\n\n";
}
