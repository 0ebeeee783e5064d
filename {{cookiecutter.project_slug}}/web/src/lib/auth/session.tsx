"use client";

/** React glue: who is signed in (AuthProvider, useAuth) and the gate of protected pages. */

import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";

import { auth } from "./index";
import type { User } from "./client";
import { NetworkError, SignedOutError } from "./errors";
import { loginPath } from "./next-path";
import type { SignOutReason } from "./tabs";

export type AuthState =
  | { status: "loading"; user: null }
  | { status: "signed-in"; user: User }
  | { status: "signed-out"; user: null; reason: SignOutReason | "anonymous" }
  | { status: "unreachable"; user: null };

type AuthContextValue = AuthState & { reload: () => Promise<void> };

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading", user: null });

  const reload = useCallback(
    () =>
      auth.getMe().then(
        (user) => setState({ status: "signed-in", user }),
        (error: unknown) => {
          if (error instanceof NetworkError) setState({ status: "unreachable", user: null });
          else if (!(error instanceof SignedOutError)) {
            setState({ status: "signed-out", user: null, reason: "anonymous" });
          } // SignedOutError: the "signed-out" event has already set the state
        },
      ),
    [],
  );

  useEffect(() => {
    const stop = auth.start();
    const unsubscribe = auth.subscribe((event) => {
      if (event.type === "signed-out") {
        setState({ status: "signed-out", user: null, reason: event.reason });
      } else {
        void reload();
      }
    });
    void reload();
    return () => {
      unsubscribe();
      stop();
    };
  }, [reload]);

  const value = useMemo(() => ({ ...state, reload }), [state, reload]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() needs an <AuthProvider> above it");
  return value;
}

/**
 * Renders `children` only for a signed-in user; anyone else goes to /login (with `next` unless
 * they logged out themselves). Nothing protected is rendered before the API has said yes.
 */
export function RequireAuth({
  children,
  fallback,
}: {
  children: React.ReactNode;
  fallback: React.ReactNode;
}) {
  const state = useAuth();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (state.status !== "signed-out") return;
    const next = state.reason === "logout" ? undefined : pathname + window.location.search;
    router.replace(loginPath(next));
  }, [state, router, pathname]);

  return state.status === "signed-in" ? children : fallback;
}
