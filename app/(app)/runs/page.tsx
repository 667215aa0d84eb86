import { PlayCircle } from "lucide-react";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata = { title: "Runs" };

export default function RunsPage() {
  return (
    <ComingSoon title="Runs" icon={<PlayCircle />}>
      The list of every run in your workspace is on its way. Until then, start a run from a flow's editor and watch it
      there.
    </ComingSoon>
  );
}
