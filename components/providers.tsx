"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";
import { signInPath } from "./auth-client";
import { TRPCProvider } from "./trpc";
import { Toaster } from "./ui/toaster";

/** An ended session anywhere sends the user to sign in, and back here afterwards. */
function redirectIfSignedOut(error: unknown) {
  if (error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED") {
    const here = window.location.pathname + window.location.search;
    if (!window.location.pathname.startsWith("/sign-")) window.location.assign(signInPath(here));
  }
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: redirectIfSignedOut }),
        mutationCache: new MutationCache({ onError: redirectIfSignedOut }),
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            retry: (count, error) =>
              !(error instanceof TRPCClientError && [401, 403, 404].includes(error.data?.httpStatus)) && count < 2,
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
        <Toaster />
      </TRPCProvider>
    </QueryClientProvider>
  );
}
