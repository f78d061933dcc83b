/**
 * How the loaders reach the stores. In Node builds the stores come with the entry (this module
 * imports them statically): a cold `loadModel` then loads no module of its own — a dynamic import
 * costs a resolve, a read and a compile, several milliseconds at a cold start. The browser builds
 * swap in loader.browser.ts, which loads the stores on first use (they stay out of a page's first
 * download).
 */
export { loadArtifacts, openArtifactsDirect } from './index.js';
