// A moment as a trader reads it (issue 25): in the market's own time and in the browser's, with UTC on
// hover (the API's times are UTC). `zone`: the market's IANA time zone, when the moment belongs to one.
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string | undefined, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone ?? "browser"}|${withDate}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat("en-GB", {
      ...(zone ? { timeZone: zone } : {}),
      ...(withDate ? { weekday: "short", day: "numeric", month: "short" } : {}),
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    formats.set(key, found);
  }
  return found;
}

/** "2025-12-01 14:30 UTC" */
export function utcText(at: string): string {
  return `${at.slice(0, 16).replace("T", " ")} UTC`;
}

/** The market's local time of `at` ("Mon 1 Dec, 09:30") and the browser's ("15:30"). */
export function localTexts(at: string, zone?: string | null, withDate = true): { market: string | null; browser: string } {
  const when = new Date(at);
  return {
    market: zone ? format(zone, withDate).format(when) : null,
    browser: format(undefined, !zone && withDate).format(when),
  };
}

export function When({ at, zone, place, withDate = true }: { at: string | null | undefined; zone?: string | null; place?: string; withDate?: boolean }) {
  if (!at) return <span className="mono">—</span>;
  const { market, browser } = localTexts(at, zone, withDate);
  return (
    <time className="mono when" dateTime={at} title={utcText(at)}>
      {market ? <>{market} {place ?? "local"} · {browser} yours</> : <>{browser} yours</>}
    </time>
  );
}
