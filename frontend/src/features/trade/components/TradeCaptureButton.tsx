// "Trade this capture": the card's trade as a bracket (its target and stop) on the first paper account.
import { useState } from "react";
import { usePriceFormat } from "../../../shared/price-format";
import { useAccounts, useTradeCapture } from "../api/trade";

export function TradeCaptureButton({ sessionId }: { sessionId: number }) {
  const px = usePriceFormat();
  const accounts = useAccounts();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const trade = useTradeCapture(sessionId, {
    onSuccess: (o) => setMessage({ ok: true, text: `${o.side} ${o.quantity} ${o.symbol} ${o.status === "FILLED" ? `filled at ${px(o.fill_price, o.symbol)}` : o.status.toLowerCase()}, bracket working` }),
    onError: (error) => setMessage({ ok: false, text: error.message }),
  });
  return (
    <span className="trade-capture">
      <button type="button" disabled={!accounts.data?.length || trade.isPending} onClick={() => trade.mutate(accounts.data?.[0]?.id)}>Trade this capture</button>
      {message && <small role="status" className={message.ok ? "ok" : "warn"}>{message.text}</small>}
    </span>
  );
}
