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

  // Loads the user. An unreachable API keeps a signed-in user signed in (and rethrows, for
  // the caller to say so): only the API decides that a session is over.
  const reload = useCallback(
    () =>
      auth.getMe().then(
        (user) => setState({ status: "signed-in", user }),
        (error: unknown) => {
          if (error instanceof NetworkError) {
            setState((state) =>
              state.status === "signed-in" ? state : { status: "unreachable", user: null },
            );
            throw error;
          }
          if (!(error instanceof SignedOutError)) {
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
        reload().catch(() => {});
      }
    });
    reload().catch(() => {}); // unreachable: shown by the pages
    // A page restored from the back/forward cache missed what happened meanwhile (a logout,
    // say): show nothing protected until the API has answered again.
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      setState({ status: "loading", user: null });
      reload().catch(() => {});
    };
    window.addEventListener("pageshow", onPageShow);
    return () => {
      window.removeEventListener("pageshow", onPageShow);
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

  if (state.status === "unreachable") {
    return (
      <div className="card narrow">
        <p role="alert" className="alert">
          We can&rsquo;t reach the server right now.
        </p>
        <button type="button" className="button" onClick={() => state.reload().catch(() => {})}>
          Try again
        </button>
      </div>
    );
  }
  return state.status === "signed-in" ? children : fallback;
}
