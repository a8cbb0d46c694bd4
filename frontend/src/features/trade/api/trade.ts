// The paper account (SPEC §11): reads (accounts, positions, orders, the statement) and writes (place
// and cancel an order, trade a capture, the auto-trade markets), each write invalidating what it changes.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data } from "../../../shared/api/client";
import type { Account, Order, Position, Statement } from "../../../shared/api/types";

export type { Account, Order, Position, Statement };

/** The trade feature's query keys: `all` covers every paper-account read (an order changes them all). */
export const tradeKeys = {
  all: ["trade"] as const,
  accounts: ["trade", "accounts"] as const,
  positions: (accountId: number | undefined) => ["trade", "positions", accountId] as const,
  orders: ["trade", "orders"] as const,
  statement: (accountId: number) => ["trade", "statement", accountId] as const,
};

export const accountsQueryOptions = () => queryOptions({
  queryKey: tradeKeys.accounts,
  queryFn: () => data(client.GET("/api/actandpos/accounts/")),
});

export const positionsQueryOptions = (accountId: number | undefined) => queryOptions({
  queryKey: tradeKeys.positions(accountId),
  queryFn: () => data(client.GET("/api/actandpos/accounts/{id}/positions/", { params: { path: { id: String(accountId) } } })),
  enabled: accountId !== undefined,
});

export const ordersQueryOptions = () => queryOptions({
  queryKey: tradeKeys.orders,
  queryFn: () => data(client.GET("/api/trades/orders")),
});

export const statementQueryOptions = (accountId: number) => queryOptions({
  queryKey: tradeKeys.statement(accountId),
  queryFn: () => data(client.GET("/api/trades/statements", { params: { query: { account: accountId } } })),
});

export const useAccounts = (refetchInterval: number | false = false) => useQuery({ ...accountsQueryOptions(), refetchInterval });
export const usePositions = (accountId: number | undefined, refetchInterval: number | false = false) =>
  useQuery({ ...positionsQueryOptions(accountId), refetchInterval });
export const useOrders = (refetchInterval: number | false = false) => useQuery({ ...ordersQueryOptions(), refetchInterval });
export const useStatement = (accountId: number, refetchInterval: number | false = false) =>
  useQuery({ ...statementQueryOptions(accountId), refetchInterval });

/** What the ticket sends (`POST /api/trades/orders`); prices in points, as text the server parses. */
export interface Ticket {
  account: number; symbol: string; side: string; quantity: number; order_type: string; limit_price?: string;
  stop_price?: string; time_in_force?: string; take_profit_price?: string; stop_loss_price?: string;
}

interface Callbacks<T> { onSuccess?: (result: T) => void; onError?: (error: Error) => void }

/** Place an order; every paper-account read is stale after it, whatever the answer. */
export function usePlaceOrder({ onSuccess, onError }: Callbacks<Order> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (ticket: Ticket) => data<Order>(client.POST("/api/trades/orders", {
      body: { ...ticket, client_order_id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}` } as never,
    })),
    onSuccess, onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.all }),
  });
}

/** Cancel a working order. */
export function useCancelOrder({ onError }: Callbacks<unknown> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => data(client.POST("/api/trades/orders/{id}/cancel", { params: { path: { id: String(id) } } })),
    onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.all }),
  });
}

/** Trade a capture (`POST orders/from-capture/<session id>`): its trade as a bracket with its target and stop. */
export function useTradeCapture(sessionId: number, { onSuccess, onError }: Callbacks<Order> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (account: number | undefined) => data<Order>(client.POST("/api/trades/orders/from-capture/{id}", {
      params: { path: { id: String(sessionId) } }, body: { account, quantity: 1 } as never,
    })),
    onSuccess, onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.all }),
  });
}

/** Save the markets whose every capture the account trades (`PUT accounts/<id>/auto-trade`). */
export function useSaveAutoTrade(accountId: number, { onSuccess, onError }: Callbacks<unknown> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: { markets: string[]; quantity: number }) =>
      data(client.PUT("/api/actandpos/accounts/{id}/auto-trade", { params: { path: { id: String(accountId) } }, body: body as never })),
    onSuccess, onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.accounts }),
  });
}

/** Contract margins and commissions (USD), for the ticket's preview. */
export const useMargins = () => useQuery({
  queryKey: ["trade", "margins"] as const,
  queryFn: () => data(client.GET("/api/actandpos/margins/")),
  staleTime: 60_000,
});

/** Cancel every working order of the account (bracket legs included). */
export function useCancelAll({ onSuccess, onError }: Callbacks<{ canceled: Order[] }> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (account: number) => data(client.POST("/api/trades/orders/cancel-all", { body: { account } as never })) as Promise<{ canceled: Order[] }>,
    onSuccess, onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.all }),
  });
}

/** Flatten a position: cancel its bracket (every working order of the symbol) and close it at market. */
export function useFlatten({ onSuccess, onError }: Callbacks<{ order: Order; canceled: Order[] }> = {}) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: { account: number; symbol: string }) =>
      data(client.POST("/api/trades/positions/flatten", { body: body as never })) as Promise<{ order: Order; canceled: Order[] }>,
    onSuccess, onError,
    onSettled: () => queries.invalidateQueries({ queryKey: tradeKeys.all }),
  });
}
