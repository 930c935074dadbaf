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
