import { Inbox } from "lucide-react";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata = { title: "Inbox" };

export default function InboxPage() {
  return (
    <ComingSoon title="Inbox" icon={<Inbox />}>
      Approval requests from your flows will arrive here, for you or your team to decide.
    </ComingSoon>
  );
}
