import { FailedPage } from "@/components/runs/failed/failed-page";

export const metadata = { title: "Failed runs" };

export default function Failed() {
  return <FailedPage />;
}
