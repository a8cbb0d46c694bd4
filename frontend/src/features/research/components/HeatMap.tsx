// Net expected value by target × stop for one market and window (issue 26): green pays, red costs,
// the deeper the colour the larger; each cell shows EV and n, and a click chooses the variant.
import { fmt } from "../../../shared/format";
import { netFor, type SweepVariant } from "../api/sweeps";

function colour(value: number | null | undefined, scale: number): string {
  if (value === null || value === undefined || scale === 0) return "#eef0f4";
  const strength = Math.min(1, Math.abs(value) / scale);
  return value >= 0 ? `rgba(27, 135, 63, ${0.15 + 0.75 * strength})` : `rgba(198, 40, 40, ${0.15 + 0.75 * strength})`;
}

export function HeatMap({ variants, market, window, chosen, onChoose }: {
  variants: SweepVariant[]; market: string | null; window: number | null; chosen: number | null;
  onChoose: (index: number) => void;
}) {
  const shown = variants.map((v, index) => ({ v, index })).filter(({ v }) => v.window_minutes === window);
  const targets = Array.from(new Set(shown.map(({ v }) => v.profit_target))).sort((a, b) => a - b);
  const stops = Array.from(new Set(shown.map(({ v }) => v.stop_loss))).sort((a, b) => a - b);
  const scale = Math.max(0, ...shown.map(({ v }) => Math.abs(netFor(v, market)?.expected_value ?? 0)));
  return (
    <table className="heatmap" aria-label="Net EV by target and stop">
      <caption>Net EV per trade (USD) — rows: target, columns: stop{market ? ` — ${market}` : " — all markets"}</caption>
      <thead><tr><th>target \\ stop</th>{stops.map((s) => <th key={s} scope="col">{s}</th>)}</tr></thead>
      <tbody>
        {targets.map((t) => (
          <tr key={t}>
            <th scope="row">{t}</th>
            {stops.map((s) => {
              const cell = shown.find(({ v }) => v.profit_target === t && v.stop_loss === s);
              const figures = cell ? netFor(cell.v, market) : undefined;
              const n = figures ? figures.worked + figures.didnt_work + figures.expired : 0;
              return (
                <td key={s} style={{ background: colour(figures?.expected_value, scale) }}
                    className={cell && cell.index === chosen ? "chosen" : ""} data-target={t} data-stop={s}>
                  {cell ? (
                    <button type="button" onClick={() => onChoose(cell.index)} aria-label={`target ${t} stop ${s}`}>
                      <span className="mono">${fmt(figures?.expected_value)}</span><small> n={n}</small>
                    </button>
                  ) : "—"}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
