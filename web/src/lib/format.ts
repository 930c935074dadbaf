/**
 * Display helpers. Values from the server are shown as they came where that matters
 * (price), and only the presentation is localised (dates).
 */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** "28 Nov 2026, 14:51" in the user's locale and time zone; the raw value if unparsable. */
export function formatDateTime(iso: string, format: Intl.DateTimeFormat = dateTimeFormat): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

/** "1 product", "3 products". */
export function countLabel(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** "in 40 seconds", "in 1 minute", "in 4 minutes", "in 2 hours": rounded up, never "in 0". */
export function inPlainWords(seconds: number): string {
  const wait = Math.max(1, Math.ceil(seconds));
  if (wait < 60) return `in ${countLabel(wait, 'second', 'seconds')}`;
  const minutes = Math.ceil(wait / 60);
  if (minutes < 60) return `in ${countLabel(minutes, 'minute', 'minutes')}`;
  return `in ${countLabel(Math.ceil(minutes / 60), 'hour', 'hours')}`;
}

/** DRF's 429 detail ("Request was throttled. Expected available in 240 seconds.") in plain words. */
export function throttleMessage(detail: string | null): string | null {
  const match = detail === null ? null : /Expected available in (\d+) seconds?\./.exec(detail);
  if (match === null) return null;
  return `Too many sign-in attempts. Try again ${inPlainWords(Number(match[1]))}.`;
}
