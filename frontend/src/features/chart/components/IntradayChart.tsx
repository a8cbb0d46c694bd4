// The intraday chart (issue 14): 1-minute candles with volume and the session VWAP, and today's
// captures of the symbol as entry, target and stop lines with their outcome, drawn by TradingView's
// lightweight-charts. Times are UTC; prices in the instrument's own display (ZB in 32nds).
import { CandlestickSeries, createChart, HistogramSeries, LineSeries, LineStyle, type AutoscaleInfo, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useRef } from "react";
import type { QuoteRow, SessionRow } from "../../../shared/api/types";
import { formatPrice, tradeLevels } from "../../../shared/price";
import { useGlobalTimer } from "../../../shared/timer";
import { useBars, useSymbolCaptures, type Bar } from "../api/bars";

const HOURS = 12;
const OUTCOME_COLOUR: Record<string, string> = { WORKED: "#1b873f", DIDNT_WORK: "#c62828", EXPIRED: "#6d6d6d", PENDING: "#1565c0" };

const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000) as UTCTimestamp;

/** The chart's series from the bars: candles, volume (coloured by the candle) and VWAP (minutes with one). */
export function chartSeries(bars: Bar[]) {
  return {
    candles: bars.map((b) => ({ time: seconds(b.minute), open: b.open, high: b.high, low: b.low, close: b.close })),
    volume: bars.map((b) => ({ time: seconds(b.minute), value: b.volume, color: b.close >= b.open ? "#1b873f55" : "#c6282855" })),
    vwap: bars.filter((b) => b.session_vwap !== null).map((b) => ({ time: seconds(b.minute), value: b.session_vwap as number })),
  };
}

/** One capture's lines: entry, and target/stop in the trade's direction (a short's target is below). */
export function captureLines(row: SessionRow): { price: number; title: string; color: string; style: LineStyle }[] {
  if (row.entry_price === null) return [];
  const when = row.captured_at.slice(11, 16);
  const outcome = row.wndw === "DIDNT_WORK" ? "DIDN'T WORK" : row.wndw;
  const colour = OUTCOME_COLOUR[row.wndw] ?? "#1565c0";
  const lines = [{ price: row.entry_price, title: `${row.country} ${when} ${row.bhs} entry · ${outcome}`, color: colour, style: LineStyle.Solid }];
  const { target, stop } = tradeLevels(row.bhs, row.target_high, row.target_low);
  if (target !== null) lines.push({ price: target, title: `${row.country} target`, color: "#1b873f", style: LineStyle.Dashed });
  if (stop !== null) lines.push({ price: stop, title: `${row.country} stop`, color: "#c62828", style: LineStyle.Dashed });
  return lines;
}

export function IntradayChart({ row, onClose }: { row: QuoteRow; onClose: () => void }) {
  const { now } = useGlobalTimer();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const fitted = useRef(false);
  const series = useRef<{ candles: ISeriesApi<"Candlestick">; volume: ISeriesApi<"Histogram">; vwap: ISeriesApi<"Line"> } | null>(null);
  // the window starts on the hour so the query key stays put for an hour
  const startHour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - HOURS * 3_600_000).toISOString();
  const day = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const bars = useBars(row.symbol, startHour, 10_000);
  const captures = useSymbolCaptures(row.symbol, day);
  // primitives, not the instrument object: a new quote brings a new object, and must not rebuild the chart
  const precision = row.instrument.display_precision;
  const priceFormat = row.instrument.price_format;

  useEffect(() => {
    if (!box.current) return;
    const created = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: "#ffffff" }, textColor: "#222" },
      timeScale: { timeVisible: true, secondsVisible: false },
      localization: { priceFormatter: (p: number) => formatPrice(p, { display_precision: precision, price_format: priceFormat }) },
    });
    const candles = created.addSeries(CandlestickSeries, { upColor: "#1b873f", downColor: "#c62828", borderVisible: false,
      wickUpColor: "#1b873f", wickDownColor: "#c62828" });
    const volume = created.addSeries(HistogramSeries, { priceFormat: { type: "volume" }, priceScaleId: "volume", lastValueVisible: false,
      priceLineVisible: false });
    created.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    const vwap = created.addSeries(LineSeries, { color: "#ef6c00", lineWidth: 2, title: "VWAP", priceLineVisible: false });
    chart.current = created;
    series.current = { candles, volume, vwap };
    return () => { created.remove(); chart.current = null; series.current = null; fitted.current = false; };
  }, [precision, priceFormat]);

  useEffect(() => {
    if (!series.current || !bars.data) return;
    const data = chartSeries(bars.data.bars);
    series.current.candles.setData(data.candles);
    series.current.volume.setData(data.volume);
    series.current.vwap.setData(data.vwap);
    if (!fitted.current && data.candles.length) {
      chart.current?.timeScale().fitContent();
      fitted.current = true;
    }
  }, [bars.data, precision, priceFormat]);

  useEffect(() => {
    const candles = series.current?.candles;
    if (!candles || !captures.data) return;
    const wanted = captures.data.results.flatMap(captureLines);
    const lines = wanted.map((l) =>
      candles.createPriceLine({ price: l.price, color: l.color, lineStyle: l.style, lineWidth: 1, axisLabelVisible: true, title: l.title }));
    // the price scale takes in the capture lines too, so a target or stop never sits off the chart
    const prices = wanted.map((l) => l.price);
    candles.applyOptions({
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original();
        if (!info?.priceRange || !prices.length) return info;
        return { ...info, priceRange: { minValue: Math.min(info.priceRange.minValue, ...prices), maxValue: Math.max(info.priceRange.maxValue, ...prices) } };
      },
    });
    return () => lines.forEach((l) => candles.removePriceLine(l));
  }, [captures.data, bars.data, precision, priceFormat]);

  const count = bars.data?.bars.length ?? 0;
  const withVwap = bars.data?.bars.filter((b) => b.session_vwap !== null) ?? [];
  const lastVwap = withVwap.length ? withVwap[withVwap.length - 1].session_vwap : null;
  return (
    <section className="intraday" aria-label={`${row.symbol} intraday chart`}>
      <header>
        <h3>{row.symbol} · {row.instrument.name} · 1-minute, last {HOURS} h (UTC)</h3>
        <span className="mono">VWAP {formatPrice(lastVwap, row.instrument)}</span>
        <span className="legend"><i className="vwap" /> VWAP <i className="entry" /> entry <i className="target" /> target <i className="stop" /> stop</span>
        <button type="button" onClick={onClose} aria-label="Close chart">×</button>
      </header>
      {bars.error && <p className="error" role="alert">{String(bars.error)}</p>}
      {bars.data && count === 0 && <p className="empty">No 1-minute bars for {row.symbol} in the last {HOURS} hours yet: bars are recorded while quotes arrive.</p>}
      <div ref={box} className="chart-box" data-testid="chart" data-bars={count}
           data-lines={captures.data?.results.flatMap(captureLines).length ?? 0} />
    </section>
  );
}
