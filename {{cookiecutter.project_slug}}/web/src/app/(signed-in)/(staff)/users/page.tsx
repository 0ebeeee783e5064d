import type { Metadata } from "next";
import { Suspense } from "react";

import { Loading } from "@/components/loading";

import { Invitations } from "./invitations";
import { UserDirectory } from "./user-directory";

export const metadata: Metadata = { title: "Users" };

/** The user directory and the invitations, for staff and admins (the (staff) layout checks
 * the role). */
export default function UsersPage() {
  return (
    <div className="stack">
      <Suspense fallback={<Loading />}>
        <UserDirectory />
      </Suspense>
      <Invitations />
    </div>
  );
}
