// Notifications that reach a trader who is not looking (issue 25): your own Apprise destinations
// (email, Telegram, Discord, Slack, ntfy, webhooks…), a test message, and what was sent to them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { client, data } from "../../shared/api/client";
import { When } from "../../shared/ui/When";

const keys = { settings: ["notifications", "settings"] as const, sent: ["notifications", "sent"] as const };

export function Settings() {
  const queries = useQueryClient();
  const settings = useQuery({ queryKey: keys.settings, queryFn: () => data(client.GET("/api/notifications/settings")) });
  const sent = useQuery({ queryKey: keys.sent, queryFn: () => data(client.GET("/api/notifications/")), refetchInterval: 3000 });
  const [text, setText] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = useMutation({
    mutationFn: (urls: string[]) => data(client.PUT("/api/notifications/settings", { body: { urls } })),
    onSuccess: () => { setText(""); setMessage({ ok: true, text: "Saved." }); },
    onError: (error) => setMessage({ ok: false, text: error.message }),
    onSettled: () => queries.invalidateQueries({ queryKey: keys.settings }),
  });
  const test = useMutation({
    mutationFn: () => data(client.POST("/api/notifications/test")) as Promise<{ queued: number }>,
    onSuccess: (result) => setMessage({ ok: true, text: `Test queued for ${result.queued} destination(s); it shows below once sent.` }),
    onError: (error) => setMessage({ ok: false, text: error.message }),
    onSettled: () => queries.invalidateQueries({ queryKey: keys.sent }),
  });
  const current = settings.data?.urls ?? [];
  return (
    <section className="settings">
      <h2>Notifications</h2>
      <p>Captures (one message each, with the composite and the trade), their resolutions (outcome and P&amp;L), your
        fills and margin calls, missed captures, the feed going stale and the tick archive failing reach you through
        <a href="https://github.com/caronc/apprise/wiki" target="_blank" rel="noreferrer"> Apprise URLs</a>
        {" "}(<code>mailtos://user:pass@gmail.com</code>, <code>tgram://bottoken/chatid</code>, <code>discord://id/token</code>,
        {" "}<code>ntfy://topic</code>, <code>json://host/path</code>…). They hold secrets: Thor shows them masked.</p>
      {settings.data?.site_default && <p className="ok">The desk's own destinations (THOR_NOTIFY_URLS) receive the broadcasts too.</p>}
      <ul aria-label="Your destinations">
        {current.length === 0 && <li>No destinations yet.</li>}
        {current.map((url, i) => (
          <li key={`${url}-${i}`}><code>{url}</code></li>
        ))}
      </ul>
      <form aria-label="Notification destinations" onSubmit={(e) => {
        e.preventDefault();
        setMessage(null);
        save.mutate(text.split(/\s+/).filter(Boolean));
      }}>
        <label>Apprise URLs, one per line (replaces the list; empty removes all)
          <textarea name="urls" rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="ntfy://my-thor-topic" />
        </label>
        <button type="submit" disabled={save.isPending}>Save destinations</button>
        <button type="button" onClick={() => { setMessage(null); test.mutate(); }} disabled={test.isPending || current.length === 0}>Send a test</button>
      </form>
      {message && <p className={message.ok ? "ok" : "error"} role="status">{message.text}</p>}
      <h3>Sent to you</h3>
      <table aria-label="Notifications sent">
        <thead><tr><th>When</th><th>Message</th><th>To</th><th>Status</th></tr></thead>
        <tbody>
          {(sent.data ?? []).map((n) => (
            <tr key={n.id}>
              <td><When at={n.created_at} withDate /></td><td><strong>{n.title}</strong><br /><small>{n.body}</small></td>
              <td><code>{n.destination}</code></td>
              <td>{n.status}{n.attempts > 1 ? ` after ${n.attempts} tries` : ""}{n.last_error && <><br /><small className="error">{n.last_error}</small></>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
