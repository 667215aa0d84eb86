import { Settings } from "lucide-react";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <ComingSoon title="Settings" icon={<Settings />}>
      Members, roles, groups and credentials will be managed here.
    </ComingSoon>
  );
}
