import { useState, type FormEvent } from "react";
import { api } from "../../shared/api/client";

export function Login({ onLogin }: { onLogin: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api("/api/auth/login/", { method: "POST", body: JSON.stringify({ username, password }) });
      onLogin();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="login" onSubmit={submit} aria-label="Log in">
      <h1>Thor</h1>
      <label>Username <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus /></label>
      <label>Password <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
      <button type="submit">Log in</button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
