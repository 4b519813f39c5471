// Intl date formatters, built once per locale and options. Building one is costly and each holds about
// 100 KB of ICU data outside the JS heap, released only when the collector gets to it – a formatter built
// per message grew a campaign drain's process by more than 200 MB (bench/broadcast drain). Pure.
const formats = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** The named fields of an instant as a formatter shows them ("year" → "2027", …). */
export function dateParts(format: Intl.DateTimeFormat, at: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(at)) out[p.type] = p.value;
  return out;
}
