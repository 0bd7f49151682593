// Dates and times for the page. The API speaks UTC instants; people read the clinic's wall clock, so every
// instant is shown in the time zone of the slot's location (the browser's own zone only when the location's is
// unknown). Calendar dates ("2026-03-02") are plain strings, and day arithmetic happens on UTC midnights,
// where no daylight-saving shift can move a date.

const LOCALE = 'en-GB';
const formats = new Map();

function format(zone, options) {
  const id = `${zone}|${JSON.stringify(options)}`;
  if (!formats.has(id)) {
    formats.set(id, new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: zone }));
  }
  return formats.get(id);
}

export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The calendar date ("YYYY-MM-DD") of an instant on the wall clock of a zone. */
export function dateIn(zone, instant) {
  const parts = Object.fromEntries(format(zone, { year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(instant)).map(p => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function utcMidnight(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** "Monday 2 March" */
export function dayTitle(date) {
  return format('UTC', { weekday: 'long', day: 'numeric', month: 'long' }).format(utcMidnight(date));
}

/** "2 Mar – 8 Mar 2026" */
export function rangeTitle(from, to) {
  const short = format('UTC', { day: 'numeric', month: 'short' });
  return `${short.format(utcMidnight(from))} – ${short.format(utcMidnight(to))} ${to.slice(0, 4)}`;
}

/** "09:30" */
export function clock(zone, instant) {
  return format(zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

/** "Monday 2 March 2026, 09:30–09:45" */
export function when(zone, start, end) {
  const day = format(zone, { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(start));
  const year = format(zone, { year: 'numeric' }).format(new Date(start));
  return `${day} ${year}, ${clock(zone, start)}–${clock(zone, end)}`;
}

/** "15 March 1985" for a date of birth. */
export function birthDate(date) {
  return format('UTC', { day: 'numeric', month: 'long', year: 'numeric' }).format(utcMidnight(date));
}
