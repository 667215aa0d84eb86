import { Suspense } from "react";
import { RunsPage } from "@/components/runs/list/runs-page";

export const metadata = { title: "Runs" };

export default function Runs() {
  return (
    <Suspense>
      <RunsPage />
    </Suspense>
  );
}
