// date-holidays-parser ships no types; it is the engine behind date-holidays, whose types describe it.
declare module 'date-holidays-parser' {
  import type Holidays from 'date-holidays';

  const HolidaysParser: new (data: object, country: string, state?: string) => Holidays;
  export default HolidaysParser;
}

// Every country's data (the test compares the AU extract with it; never bundled).
declare module 'date-holidays/data' {
  export const data: { version: string; license: string; holidays: Record<string, unknown>; names: Record<string, unknown> };
}
