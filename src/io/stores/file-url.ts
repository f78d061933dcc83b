/** `file://` URLs as paths, without node:url (the directory store and the cold-start reader). */

export const FILE_SCHEME = 'file://';

/** A `file://` URL as a path (POSIX, or a Windows drive path), without node:url. */
export function fileUrlPath(target: string): string {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    throw new Error(`${target} is not a valid file:// URL; pass a path or 'file:///absolute/path'.`);
  }
  if (u.host !== '' && u.host !== 'localhost') {
    throw new Error(`${target}: file:// URLs on another host (${u.host}) are not supported; pass a local path.`);
  }
  const path = decodeURIComponent(u.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}
