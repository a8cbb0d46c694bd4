// The typed client's errors: the server's one-line message, or the status when the body is not JSON.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, client, data } from "./client";

afterEach(() => vi.unstubAllGlobals());

describe("the typed client", () => {
  it("throws the server's error message with its status", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: "regoin: unknown parameter" }), { status: 400 })));
    const call = data(client.GET("/api/ThorTrading/market-opens/stats/"));
    await expect(call).rejects.toEqual(new ApiError(400, "regoin: unknown parameter"));
  });

  it("says the status when a proxy answers with an HTML page", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" })));
    const error = await data(client.GET("/api/health/")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).message).toBe("502 Bad Gateway");
  });
});
