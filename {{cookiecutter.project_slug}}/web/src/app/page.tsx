"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { Loading } from "@/components/loading";
import { loginPath, noticeReason, useAuth } from "@/lib/auth";

/** `/`: signed-in users go to their dashboard, everyone else to the login page (told why, if
 * their session ended). */
export default function Home() {
  const state = useAuth();
  const router = useRouter();

  useEffect(() => {
    if (state.status === "signed-in") router.replace("/dashboard");
    else if (state.status === "signed-out") router.replace(loginPath(undefined, noticeReason(state.reason)));
    else if (state.status === "unreachable") router.replace("/login");
  }, [state, router]);

  return <Loading />;
}
