/* eslint-disable no-console -- this module exists to take pdf-lib's console output over while it parses */
import { logger } from '../logger';

/**
 * pdf-lib (and its fork) report what they repair while parsing ("Trying to parse invalid object",
 * "Invalid object ref") with console.warn/log, one line per object: a damaged file can print
 * thousands of lines into the function's output. While `read` runs those lines are collected
 * instead, and logged once for the file, at debug level.
 *
 * The console is shared by the whole process, so reads at the same time share one capture; a
 * Lambda merges one file at a time, and a note that lands on the wrong file is still logged.
 */

const MAX_NOTES_LOGGED = 20;

let active: string[][] = [];
let original: { warn: typeof console.warn; log: typeof console.log } | undefined;

export async function withParseNotesLogged<T>(file: string, read: () => Promise<T>): Promise<T> {
  const notes: string[] = [];
  if (!original) {
    original = { warn: console.warn, log: console.log };
    const collect = (...args: unknown[]) => active[active.length - 1]?.push(args.map(String).join(' '));
    console.warn = collect;
    console.log = collect;
  }
  active.push(notes);
  try {
    return await read();
  } finally {
    active = active.filter((list) => list !== notes);
    if (active.length === 0 && original) {
      console.warn = original.warn;
      console.log = original.log;
      original = undefined;
    }
    if (notes.length > 0) logger.debug('PDF parser notes', { file, count: notes.length, notes: notes.slice(0, MAX_NOTES_LOGGED) });
  }
}
