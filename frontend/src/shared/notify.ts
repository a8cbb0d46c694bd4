// Opt-in browser notifications when a captured trade resolves.
const KEY = "thor.notify";

export function notificationsWanted(): boolean {
  return localStorage.getItem(KEY) === "1" && typeof Notification !== "undefined" && Notification.permission === "granted";
}

export async function askForNotifications(): Promise<boolean> {
  if (typeof Notification === "undefined") return false;
  const permission = await Notification.requestPermission();
  localStorage.setItem(KEY, permission === "granted" ? "1" : "0");
  return permission === "granted";
}

export function stopNotifications(): void {
  localStorage.setItem(KEY, "0");
}

const seen = new Map<number, string>();

/** Compare outcomes with the last poll and notify the ones that left PENDING. */
export function notifyResolved(rows: { id: number; country: string; future: string; wndw: string; pnl_usd: number | null }[]): void {
  for (const row of rows) {
    const before = seen.get(row.id);
    seen.set(row.id, row.wndw);
    if (before === "PENDING" && row.wndw !== "PENDING" && notificationsWanted()) {
      const pnl = row.pnl_usd === null ? "" : ` ($${row.pnl_usd.toFixed(2)})`;
      new Notification(`${row.country} ${row.future}: ${row.wndw.replace("_", " ")}${pnl}`);
    }
  }
}
