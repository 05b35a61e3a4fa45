// Text helpers that reproduce Python's str.split() and int() the way cronsim and oncalendar use
// them, so that exactly the same expressions are accepted.

// The characters Python's str.split() treats as whitespace (str.isspace()).
const WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Splits on runs of whitespace, ignoring leading and trailing whitespace (Python's str.split()). */
export function splitWhitespace(text: string): string[] {
  return text.split(WHITESPACE).filter((part) => part !== '');
}

const SPACE_CODES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000]);

/** True for a character Python's str.isspace() accepts. */
export function isWhitespace(text: string, index: number): boolean {
  return SPACE_CODES.has(text.charCodeAt(index));
}

/** Strips leading and trailing whitespace (Python's str.strip()). */
export function stripWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isWhitespace(text, start)) start++;
  while (end > start && isWhitespace(text, end - 1)) end--;
  return text.slice(start, end);
}

/**
 * A non-empty run of ASCII digits as a number; null for anything else. Values too long to matter
 * (over nine significant digits) come back as Infinity, which every range check rejects, so
 * "0-1000000000" costs nothing.
 */
export function toUnsigned(text: string): number | null {
  if (text === '' || !/^[0-9]+$/.test(text)) return null;
  const digits = text.replace(/^0+(?=.)/, '');
  return digits.length > 9 ? Infinity : Number(digits);
}
