import type { Metadata } from "next";
import { Suspense } from "react";

import { Loading } from "@/components/loading";

import { UserDirectory } from "./user-directory";

export const metadata: Metadata = { title: "Users" };

/** The user directory, for staff and admins (the (staff) layout checks the role). */
export default function UsersPage() {
  return (
    <Suspense fallback={<Loading />}>
      <UserDirectory />
    </Suspense>
  );
}
