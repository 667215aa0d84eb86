"use client";
import { useQuery } from "@tanstack/react-query";
import { Inbox, LogOut, PlayCircle, Settings, Workflow } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { authClient } from "../auth-client";
import { useInboxLive } from "../inbox/use-inbox-live";
import { useTRPC } from "../trpc";
import { Logo } from "./logo";
import { UserMenu } from "./user-menu";

const nav = [
  { href: "/flows", label: "Flows", icon: Workflow },
  { href: "/runs", label: "Runs", icon: PlayCircle },
  { href: "/inbox", label: "Inbox", icon: Inbox },
  { href: "/settings", label: "Settings", icon: Settings },
] as const;

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const pathname = usePathname();
  // The editor needs the width: the nav shrinks to icons there.
  const compact = /^\/(flows|runs)\/[^/]+/.test(pathname);
  const router = useRouter();
  const inbox = useInboxLive();

  async function signOut() {
    await authClient.signOut();
    router.replace("/sign-in");
  }

  return (
    <div className="flex h-full flex-col">
      <header className="flex h-14 shrink-0 items-center gap-4 border-b border-slate-200 bg-white px-4">
        <Link href="/flows" aria-label="Switchyard home">
          <Logo />
        </Link>
        <span className="text-slate-300" aria-hidden="true">
          /
        </span>
        <span className="truncate text-sm font-medium text-slate-700" data-testid="workspace-name">
          {me.data?.workspace?.workspaceName ?? " "}
        </span>
        <div className="ml-auto">
          {me.data && (
            <UserMenu
              name={me.data.user.name}
              email={me.data.user.email}
              role={me.data.workspace?.role}
              onSignOut={signOut}
              signOutIcon={<LogOut size={16} />}
            />
          )}
        </div>
      </header>
      <div className="flex min-h-0 flex-1">
        <nav
          aria-label="Main"
          className={`flex shrink-0 flex-col gap-1 border-r border-slate-200 bg-white ${compact ? "w-14 items-center p-2" : "w-52 p-3"}`}
        >
          {nav.map(({ href, label, icon: Icon }) => {
            const active = pathname === href || pathname.startsWith(`${href}/`);
            return (
              <Link
                key={href}
                href={href}
                aria-current={active ? "page" : undefined}
                title={compact ? label : undefined}
                aria-label={
                  compact
                    ? href === "/inbox" && inbox?.mine
                      ? `${label}, ${inbox.mine} waiting for you`
                      : label
                    : undefined
                }
                className={`flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium transition-colors ${
                  active ? "bg-accent-50 text-accent-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                }`}
              >
                <span className="relative">
                  <Icon size={18} strokeWidth={1.8} />
                  {href === "/inbox" && compact && !!inbox?.mine && (
                    <span className="absolute -top-1.5 -right-1.5 h-2.5 w-2.5 rounded-full bg-accent-600 ring-2 ring-white" />
                  )}
                </span>
                {!compact && label}
                {href === "/inbox" && !compact && !!inbox?.mine && (
                  <span
                    className="ml-auto rounded-full bg-accent-600 px-1.5 text-xs font-semibold text-white tabular-nums"
                    data-testid="inbox-badge"
                  >
                    {inbox.mine}
                    <span className="sr-only"> waiting for you</span>
                  </span>
                )}
              </Link>
            );
          })}
        </nav>
        <main className="min-w-0 flex-1 overflow-auto">{children}</main>
      </div>
    </div>
  );
}
