/**
 * The error of a Node-only function called in the browser build (the *.browser.ts twins that
 * tsup.config.ts swaps in for modules that read or write files).
 */

/** A rejected promise naming the function and what to do instead. */
export function needsNode(what: string, instead: string): Promise<never> {
  return Promise.reject(new Error(`${what} needs Node (it reads or writes files); ${instead}`));
}
