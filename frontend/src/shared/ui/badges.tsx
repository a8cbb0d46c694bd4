// Badges for signals (bhs) and outcomes (wndw), as every page shows them.
export function SignalBadge({ signal }: { signal: string | null | undefined }) {
  const tone = !signal ? "none" : signal.includes("BUY") ? "buy" : signal.includes("SELL") ? "sell" : "hold";
  return <span className={`badge signal ${tone}`}>{signal ? signal.replace("_", " ") : "NO SIGNAL"}</span>;
}

const OUTCOME_LABEL: Record<string, string> = { DIDNT_WORK: "DIDN'T WORK" };

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <span className={`badge outcome ${outcome.toLowerCase()}`}>{OUTCOME_LABEL[outcome] ?? outcome}</span>;
}
