// What the app adds to each session card: the trade feature's "Trade this capture" (features do not
// import each other; the app composes them).
import type { CaptureEvent } from "../shared/api/types";
import { TradeCaptureButton } from "../features/trade/components/TradeCaptureButton";

export function tradeCaptureAction(event: CaptureEvent) {
  const signal = event.trade.signal;
  return event.session_id && signal && signal !== "HOLD" ? <TradeCaptureButton sessionId={event.session_id} /> : null;
}
