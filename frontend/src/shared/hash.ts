// The dashboard's address: `#/<page>?<params>`. The page picks the view; the params hold what makes a
// view worth bookmarking or sharing (the drawer's filters, the page number, History's sort). Written
// with replaceState, so typing in a filter does not fill the back button's history.

/** The page and the params of `hash` (default: the browser's). */
export function readHash(hash: string = window.location.hash): { page: string; params: URLSearchParams } {
  const text = hash.replace(/^#\/?/, "");
  const at = text.indexOf("?");
  return at < 0
    ? { page: text, params: new URLSearchParams() }
    : { page: text.slice(0, at), params: new URLSearchParams(text.slice(at + 1)) };
}

/** Change the current address's params (`update` edits them in place); the page stays. */
export function updateHashParams(update: (params: URLSearchParams) => void): void {
  const { page, params } = readHash();
  update(params);
  const query = params.toString();
  const next = `#/${page}${query ? `?${query}` : ""}`;
  if (next !== window.location.hash) window.history.replaceState(null, "", next);
}
