// Page numbers for a paginated list (issue 25: page through all of history): first, previous, "page
// N of M", next, last, and the count of what the filters match.
export function Pager({ page, pageSize, count, noun, onPage }: {
  page: number; pageSize: number; count: number; noun: [string, string]; onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const first = count === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(count, page * pageSize);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={() => onPage(1)} disabled={page <= 1} aria-label="First page">«</button>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">‹</button>
      <span className="mono" aria-live="polite">
        Page {page} of {pages} · {first}–{last} of {count} {count === 1 ? noun[0] : noun[1]}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">›</button>
      <button type="button" onClick={() => onPage(pages)} disabled={page >= pages} aria-label="Last page">»</button>
    </nav>
  );
}
