import { RequireRole } from "@/components/require-role";
import { STAFF_ROLES } from "@/lib/auth";

/** Pages for staff and admins only: a client sees "Not allowed" (the API refuses their data
 * anyway). To add one, create app/(signed-in)/(staff)/<name>/page.tsx. */
export default function StaffLayout({ children }: { children: React.ReactNode }) {
  return <RequireRole roles={STAFF_ROLES}>{children}</RequireRole>;
}
