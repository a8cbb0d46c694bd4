// The global markets table: local time, status and the countdown to each market's next open or close.
import { useGlobalTimer } from "../../../shared/timer";
import type { MarketRow } from "../../../shared/api/types";

function countdown(target: string | null, now: Date): string {
  if (!target) return "—";
  let seconds = Math.max(0, Math.floor((new Date(target).getTime() - now.getTime()) / 1000));
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
}

export function MarketsTable({ markets }: { markets: MarketRow[] }) {
  const { now } = useGlobalTimer();
  return (
    <table className="markets" aria-label="Global markets">
      <thead>
        <tr><th>Market</th><th>Local time</th><th>Status</th><th>Next</th></tr>
      </thead>
      <tbody>
        {markets.map((m) => {
          const open = m.status === "OPEN" || m.status === "PRECLOSE";
          const offset = m.local_time.slice(19);
          const localNow = new Date(now.getTime() + parseOffset(offset) * 60000).toISOString().slice(11, 19);
          return (
            <tr key={m.country}>
              <td>{m.display_name}<small>{m.country}</small></td>
              <td className="mono">{localNow}</td>
              <td><span className={`badge status ${m.status.toLowerCase()}`}>{m.status}</span></td>
              <td className="mono">{open ? `closes in ${countdown(m.next_close, now)}` : `opens in ${countdown(m.next_open, now)}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function parseOffset(text: string): number {
  const match = text.match(/([+-])(\d{2}):(\d{2})/);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}
