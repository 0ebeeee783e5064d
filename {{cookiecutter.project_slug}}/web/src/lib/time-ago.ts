/** How long ago something happened, as people say it ("5 minutes ago", "yesterday"); the exact
 * time belongs in a <time> element's title next to it. */

const UNITS: readonly (readonly [Intl.RelativeTimeFormatUnit, number])[] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** `date` relative to `now`, in the largest unit that fits: under a minute is "now", and so is
 * a time ahead of `now` (another machine's clock). */
export function timeAgo(date: Date, now: Date = new Date(), locale?: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const seconds = Math.min(0, Math.round((date.getTime() - now.getTime()) / 1000));
  const unit = UNITS.find(([, size]) => -seconds >= size);
  return unit ? format.format(Math.round(seconds / unit[1]), unit[0]) : format.format(0, "second");
}
