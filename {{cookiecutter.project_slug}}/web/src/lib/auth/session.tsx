"use client";

/** React glue: who is signed in (AuthProvider, useAuth) and the gate of signed-in pages
 * (useRequireAuth, used by app/(signed-in)/layout.tsx). */

import { usePathname, useRouter } from "next/navigation";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";

import { auth } from "./instance";
import { noticeReason } from "./messages";
import { loginPath } from "./next-path";
import {
  type AuthState,
  type MeAnswer,
  afterMe,
  isTransientMeFailure,
  sessionKey,
} from "./state";

export type AuthContextValue = AuthState & { reload: () => Promise<void> };

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const restores = useRef(0); // times restored from the back/forward cache
  const [state, setState] = useState<AuthState>(() => ({
    status: "loading",
    user: null,
    key: sessionKey(auth.epoch(), 0),
  }));

  // Asks who is signed in (the decisions are state.ts's `afterMe`). An answer asked before a sign-in
  // or sign-out is dropped. Only "not signed in" ends a session: when the API cannot answer, a
  // signed-in user stays signed in, anyone else is "unreachable" (retried below), and the
  // error is rethrown for the caller to say so.
  const reload = useCallback(async () => {
    const asked = sessionKey(auth.epoch(), restores.current);
    let answer: MeAnswer;
    try {
      answer = { user: await auth.currentUser() };
    } catch (error) {
      answer = { error };
    }
    const current = sessionKey(auth.epoch(), restores.current);
    setState((state) => afterMe(state, answer, asked, current));
    if ("error" in answer && isTransientMeFailure(answer, asked, current)) throw answer.error;
  }, []);

  useEffect(() => {
    const stop = auth.start();
    // A sign-in or sign-out (here or in another tab) starts a new session of the tab: what was
    // shown belonged to the previous one. After a sign-in, nothing is shown until /me answers.
    const unsubscribe = auth.subscribe((event) => {
      const key = sessionKey(auth.epoch(), restores.current);
      if (event.type === "user-updated") {
        // The same session: the pages stay (their key is unchanged), only the user is new.
        const answer = { user: event.user };
        setState((state) => (state.key === key ? afterMe(state, answer, key, key) : state));
      } else if (event.type === "signed-out") {
        setState({ status: "signed-out", user: null, reason: event.reason, key });
      } else {
        setState({ status: "loading", user: null, key });
        reload().catch(() => {});
      }
    });
    reload().catch(() => {}); // unreachable: shown by the pages
    // A page restored from the back/forward cache missed what happened meanwhile (a logout,
    // say): show nothing protected until the API has answered again.
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      restores.current++;
      setState({ status: "loading", user: null, key: sessionKey(auth.epoch(), restores.current) });
      reload().catch(() => {});
    };
    window.addEventListener("pageshow", onPageShow);
    return () => {
      window.removeEventListener("pageshow", onPageShow);
      unsubscribe();
      stop();
    };
  }, [reload]);

  // Unreachable: try again by itself, backing off (1 s, 2 s, 4 s... 30 s). A new failure (or a
  // click on "Try again" that failed) reschedules; success, a sign-out or unmounting stops it.
  const failures = state.status === "unreachable" ? state.failures : 0;
  const retryIn = state.status === "unreachable" ? state.retryIn : 0;
  useEffect(() => {
    if (failures === 0) return;
    const timer = setTimeout(() => reload().catch(() => {}), retryIn);
    return () => clearTimeout(timer);
  }, [failures, retryIn, reload]);

  const value = useMemo(() => ({ ...state, reload }), [state, reload]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() needs an <AuthProvider> above it");
  return value;
}

/**
 * Who is signed in, for a page only signed-in users may see: anyone else goes to /login (with
 * `next` unless they logged out themselves, and the reason when the API ended the session).
 * Render nothing protected unless the status is "signed-in": the API has said yes.
 */
export function useRequireAuth(): AuthContextValue {
  const state = useAuth();
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    if (state.status !== "signed-out") return;
    const own = state.reason === "logout" || state.reason === "closed"; // nothing to go back to
    const next = own ? undefined : pathname + window.location.search;
    router.replace(loginPath(next, noticeReason(state.reason)));
  }, [state, router, pathname]);

  return state;
}
