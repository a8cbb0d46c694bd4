// The paper account's reads (SPEC §11): accounts, positions, orders and the statement.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../api";
import type { components } from "../../../types/schema";

export type Account = components["schemas"]["Account"];
export type Position = components["schemas"]["Position"];
export type Order = components["schemas"]["Order"];
export type Statement = components["schemas"]["Statement"];

export const accountsQueryOptions = () => queryOptions({
  queryKey: ["accounts"],
  queryFn: () => api<Account[]>("/api/actandpos/accounts/"),
});

export const positionsQueryOptions = (accountId: number | undefined) => queryOptions({
  queryKey: ["positions", accountId],
  queryFn: () => api<Position[]>(`/api/actandpos/accounts/${accountId}/positions/`),
  enabled: accountId !== undefined,
});

export const ordersQueryOptions = () => queryOptions({
  queryKey: ["orders"],
  queryFn: () => api<Order[]>("/api/trades/orders"),
});

export const statementQueryOptions = (accountId: number) => queryOptions({
  queryKey: ["statement", accountId],
  queryFn: () => api<Statement>(`/api/trades/statements?account=${accountId}`),
});

export const useAccounts = (refetchInterval: number | false = false) => useQuery({ ...accountsQueryOptions(), refetchInterval });
export const usePositions = (accountId: number | undefined, refetchInterval: number | false = false) =>
  useQuery({ ...positionsQueryOptions(accountId), refetchInterval });
export const useOrders = (refetchInterval: number | false = false) => useQuery({ ...ordersQueryOptions(), refetchInterval });
export const useStatement = (accountId: number, refetchInterval: number | false = false) =>
  useQuery({ ...statementQueryOptions(accountId), refetchInterval });
