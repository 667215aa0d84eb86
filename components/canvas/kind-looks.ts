import {
  Bell,
  Bot,
  Flag,
  GitBranch,
  GitMerge,
  Globe,
  Hourglass,
  Layers,
  type LucideIcon,
  Play,
  Repeat,
  Split,
  UserCheck,
  Wand2,
} from "lucide-react";
import type { NodeType } from "@/lib/flow/kinds";

/** Icon, colour and palette group of each kind, shared by the palette and the cards. */
export const kindLooks: {
  [K in NodeType]: { icon: LucideIcon; tone: string; group: "Flow" | "Steps" | "Logic" | "People" };
} = {
  start: { icon: Play, tone: "bg-emerald-50 text-emerald-600", group: "Flow" },
  end: { icon: Flag, tone: "bg-slate-100 text-slate-600", group: "Flow" },
  agent: { icon: Bot, tone: "bg-violet-50 text-violet-600", group: "Steps" },
  http: { icon: Globe, tone: "bg-indigo-50 text-indigo-600", group: "Steps" },
  transform: { icon: Wand2, tone: "bg-sky-50 text-sky-600", group: "Steps" },
  branch: { icon: GitBranch, tone: "bg-amber-50 text-amber-600", group: "Logic" },
  parallel: { icon: Split, tone: "bg-teal-50 text-teal-600", group: "Logic" },
  join: { icon: GitMerge, tone: "bg-teal-50 text-teal-600", group: "Logic" },
  loop: { icon: Repeat, tone: "bg-orange-50 text-orange-600", group: "Logic" },
  subflow: { icon: Layers, tone: "bg-fuchsia-50 text-fuchsia-600", group: "Steps" },
  delay: { icon: Hourglass, tone: "bg-lime-50 text-lime-700", group: "Logic" },
  wait: { icon: Bell, tone: "bg-cyan-50 text-cyan-700", group: "Logic" },
  approval: { icon: UserCheck, tone: "bg-rose-50 text-rose-600", group: "People" },
};
