"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { Loading } from "@/components/loading";
import { useAuth } from "@/lib/auth";

/** `/`: signed-in users go to their dashboard, everyone else to the login page. */
export default function Home() {
  const { status } = useAuth();
  const router = useRouter();

  useEffect(() => {
    if (status === "signed-in") router.replace("/dashboard");
    else if (status === "signed-out" || status === "unreachable") router.replace("/login");
  }, [status, router]);

  return <Loading />;
}
