import { FlowsPage } from "@/components/flows/flows-page";

export const metadata = { title: "Flows" };

export default function Page() {
  return <FlowsPage />;
}
