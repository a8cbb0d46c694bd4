// Opt-in browser notifications (issue 25): one per capture and one per resolution of its trade, from
// whatever page is open, raised by the live events socket (app/LiveProvider). Email, Telegram and the
// rest go through the server (Settings › Notifications).
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

/** A message of /ws/events/ (the fields the notifications read). */
export interface LiveEvent {
  type: string; country?: string; signal?: string | null; future?: string; outcome?: string; pnl_usd?: number | null;
  capture_group?: number;
}

/** The notification an event deserves, or null: a capture (its composite), and the resolution of a
 *  capture's trade (TOTAL's; the other 11 rows would be 11 more notifications for one capture). */
export function notificationFor(event: LiveEvent): { title: string; tag: string } | null {
  if (event.type === "capture" && event.country) {
    return { title: `${event.country} captured: TOTAL ${event.signal ?? "no signal"}`, tag: `capture-${event.capture_group}` };
  }
  if (event.type === "grade" && event.future === "TOTAL" && event.country && event.outcome) {
    const pnl = event.pnl_usd === null || event.pnl_usd === undefined ? "" : ` ${event.pnl_usd >= 0 ? "+" : "−"}$${Math.abs(event.pnl_usd).toFixed(2)}`;
    const outcome = event.outcome === "DIDNT_WORK" ? "DIDN'T WORK" : event.outcome;
    return { title: `${event.country} TOTAL ${outcome}${pnl}`, tag: `grade-${event.capture_group}` };
  }
  return null;
}

/** Show `event`'s notification when the trader asked for them. */
export function notifyEvent(event: LiveEvent): void {
  const note = notificationFor(event);
  if (note && notificationsWanted()) new Notification(note.title, { tag: note.tag });
}
