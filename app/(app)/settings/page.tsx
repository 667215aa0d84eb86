import { TeamSettings } from "@/components/settings/team-settings";

export const metadata = { title: "Settings" };

export default function SettingsPage() {
  return <TeamSettings />;
}
