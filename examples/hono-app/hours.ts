/** The days of the week, in order. */
export const DAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

/** A day of the week. */
export type Day = (typeof DAYS)[number];

/** When the place is open, day by day: `"9:00–18:00"`, or `null` for closed. */
export type Week = Record<Day, string | null>;

/** The opening hours the API sets and the bot tells. */
export class OpeningHours {
  #week: Week = {
    monday: '9:00–18:00',
    tuesday: '9:00–18:00',
    wednesday: '9:00–18:00',
    thursday: '9:00–18:00',
    friday: '9:00–17:00',
    saturday: null,
    sunday: null,
  };

  /** The week as it stands. */
  week(): Week {
    return { ...this.#week };
  }

  /**
   * Changes some days; returns the week, or a one-line reason why the change is not a week's
   * hours (then nothing changed).
   */
  update(change: unknown): Week | string {
    if (change === null || typeof change !== 'object' || Array.isArray(change))
      return 'expected an object of days, such as { "saturday": "10:00–14:00" }';
    const next = { ...this.#week };
    for (const [day, hours] of Object.entries(change as Record<string, unknown>)) {
      if (!(DAYS as readonly string[]).includes(day)) return `"${day}" is not a day of the week`;
      if (hours !== null && (typeof hours !== 'string' || hours.trim() === ''))
        return `${day}: expected hours such as "9:00–18:00", or null for closed`;
      next[day as Day] = hours === null ? null : hours.trim();
    }
    this.#week = next;
    return this.week();
  }
}
