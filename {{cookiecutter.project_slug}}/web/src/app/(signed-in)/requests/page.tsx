import type { Metadata } from "next";
import { Suspense } from "react";

import { Loading } from "@/components/loading";

import { RequestList } from "./request-list";

export const metadata: Metadata = { title: "Support requests" };

/** The support requests the user can see: a client their own, staff every one. */
export default function RequestsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <RequestList />
    </Suspense>
  );
}
