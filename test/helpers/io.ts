/** Shared by the io tests. */

/** Engine text that must never reach a user in a load or save error. */
export const INTERNAL = /Cannot read properties|is not a function|is not iterable|undefined|RangeError|RuntimeError/;
