"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCheck, ChevronLeft, ChevronRight, Inbox, Keyboard } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { type InboxTab, type InboxTask, inboxTabs } from "@/lib/run/inbox";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { notAShortcut } from "./keys";
import { TaskDetail } from "./task-detail";
import { TaskList } from "./task-list";

const PAGE_SIZE = 50;

const tabWords: Record<InboxTab, string> = { mine: "Assigned to me", all: "All open", decided: "Decided" };

const empty: Record<InboxTab, { title: string; body: string }> = {
  mine: {
    title: "Nothing waits for you",
    body: "When a flow asks you (or a group you are in) to decide, the request appears here at once.",
  },
  all: { title: "No open approvals", body: "No run of this workspace waits on a decision right now." },
  decided: {
    title: "No decisions yet",
    body: "Tasks you decided, and tasks that closed, are kept here with every decision.",
  },
};

/** `/inbox`: approval tasks by tab, one selected and shown whole; live, keyboard friendly. */
export function InboxPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.workspace?.role;
  const owner = role === "owner";
  const [tab, setTab] = useState<InboxTab>(() => {
    const asked = params.get("tab");
    return (inboxTabs as readonly string[]).includes(asked ?? "") ? (asked as InboxTab) : "mine";
  });
  const [selectedId, setSelectedId] = useState<string | undefined>(() => params.get("task") ?? undefined);
  // A link to a task while the inbox is open (a toast's "Open") picks it.
  const taskParam = params.get("task");
  useEffect(() => {
    if (taskParam) setSelectedId(taskParam);
  }, [taskParam]);
  // Arriving from a run's approval step (`?run=&node=&path=`): open its task.
  const fromRun = params.get("run");
  const fromNode = params.get("node");
  const found = useQuery({
    ...trpc.inbox.find.queryOptions({
      runId: fromRun ?? "",
      nodeId: fromNode ?? "",
      path: (params.get("path") ?? "").split(".").filter(Boolean).map(Number),
    }),
    enabled: !!fromRun && !!fromNode && !params.get("task"),
  });
  useEffect(() => {
    if (found.data?.taskId) setSelectedId(found.data.taskId);
  }, [found.data?.taskId]);
  const visibleTab = tab === "all" && me.data && !owner ? "mine" : tab;

  const [page, setPage] = useState(0);
  const tasks = useQuery({
    ...trpc.inbox.list.queryOptions({ tab: visibleTab, page, pageSize: PAGE_SIZE }),
    enabled: me.data !== undefined,
    placeholderData: (previous) => previous,
  });
  const counts = useQuery(trpc.inbox.counts.queryOptions());
  // The last task of a later page was decided: show the page before rather than an empty one.
  const emptiedPage = tasks.isSuccess && tasks.data.length === 0 && page > 0;
  useEffect(() => {
    if (emptiedPage) setPage((p) => p - 1);
  }, [emptiedPage]);
  const list = tasks.data ?? [];
  const selected = list.find((t) => t.id === selectedId) ?? (selectedId ? undefined : list[0]);
  // A task picked by link that is not in this tab (decided meanwhile, another tab) is still shown.
  const linked = useQuery({
    ...trpc.inbox.get.queryOptions({ id: selectedId ?? "" }),
    enabled: !!selectedId && tasks.isSuccess && !list.some((t) => t.id === selectedId),
  });
  // While the picked task is looked up (it just left this tab) the view keeps it: nothing typed is lost.
  const lastShown = useRef<InboxTask | undefined>(undefined);
  const shown =
    selected ?? linked.data ?? (selectedId && lastShown.current?.id === selectedId ? lastShown.current : undefined);
  lastShown.current = shown;

  const remember = (next: { tab?: InboxTab; task?: string | undefined }) => {
    const q = new URLSearchParams();
    const t = next.tab ?? tab;
    if (t !== "mine") q.set("tab", t);
    const id = "task" in next ? next.task : selectedId;
    if (id) q.set("task", id);
    router.replace(`${pathname}${q.size ? `?${q}` : ""}`, { scroll: false });
  };
  const select = (id: string | undefined) => {
    setSelectedId(id);
    remember({ task: id });
  };
  const switchTab = (next: InboxTab) => {
    setTab(next);
    setPage(0);
    setSelectedId(undefined);
    remember({ tab: next, task: undefined });
  };

  // j/k move through the list (and the URL follows, so a reload keeps the place).
  const selectRef = useRef(select);
  selectRef.current = select;
  const order = useRef<{ list: InboxTask[]; current?: string }>({ list: [] });
  order.current = { list, current: shown?.id };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (notAShortcut(e) || (e.key !== "j" && e.key !== "k")) return;
      const { list, current } = order.current;
      if (list.length === 0) return;
      const at = list.findIndex((t) => t.id === current);
      const next = e.key === "j" ? Math.min(list.length - 1, at + 1) : Math.max(0, at - 1);
      e.preventDefault();
      const id = list[next]!.id;
      selectRef.current(id);
      document.querySelector(`[data-task-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const onDecided = (task: InboxTask) => {
    // Move on to the next task of the list, as a mail client does.
    const at = list.findIndex((t) => t.id === task.id);
    const next = list[at + 1] ?? list[at - 1];
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    if (visibleTab === "mine") select(next && next.id !== task.id ? next.id : undefined);
  };

  const tabs = inboxTabs.filter((t) => t !== "all" || owner);
  const countOf = (t: InboxTab) => (t === "mine" ? counts.data?.mine : t === "all" ? counts.data?.all : undefined);
  return (
    <div className="flex h-full">
      <section className="flex w-72 shrink-0 flex-col border-r border-slate-200 bg-white xl:w-96" aria-label="Inbox">
        <div className="border-b border-slate-200 px-4 pt-5">
          <div className="flex items-baseline justify-between">
            <h1 className="text-xl font-semibold text-slate-900">Inbox</h1>
            <span
              className="flex items-center gap-1 text-xs text-slate-400"
              title="j / k: move · a: approve · r: reject"
            >
              <Keyboard size={13} /> j k · a r
            </span>
          </div>
          <div
            className="mt-3 flex gap-1"
            role="tablist"
            aria-label="Inbox tabs"
            onKeyDown={(e) => {
              // Arrow keys move between tabs, as in any tab list.
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              const at = tabs.indexOf(visibleTab);
              const next = tabs[(at + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
              switchTab(next);
              document.getElementById(`inbox-tab-${next}`)?.focus();
            }}
          >
            {tabs.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`inbox-tab-${t}`}
                aria-selected={visibleTab === t}
                aria-controls="inbox-tasks"
                tabIndex={visibleTab === t ? 0 : -1}
                onClick={() => switchTab(t)}
                className={`-mb-px flex items-center gap-1.5 border-b-2 px-2.5 pb-2 text-sm font-medium ${
                  visibleTab === t
                    ? "border-accent-600 text-accent-700"
                    : "border-transparent text-slate-500 hover:text-slate-800"
                }`}
              >
                {tabWords[t]}
                {countOf(t) !== undefined && countOf(t) !== null && (
                  <span
                    className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-600 tabular-nums"
                    data-testid={`count-${t}`}
                  >
                    {countOf(t)}
                  </span>
                )}
              </button>
            ))}
          </div>
        </div>
        <div
          className="min-h-0 flex-1 overflow-auto"
          id="inbox-tasks"
          role="tabpanel"
          aria-labelledby={`inbox-tab-${visibleTab}`}
        >
          {tasks.isPending ? (
            <div className="flex flex-col gap-2 p-4" role="status" aria-label="Loading tasks">
              {[0, 1, 2].map((i) => (
                <div key={i} className="h-14 animate-pulse rounded-md bg-slate-100" />
              ))}
            </div>
          ) : tasks.isError ? (
            <p role="alert" className="m-4 rounded-md bg-red-50 p-3 text-sm text-red-700">
              Could not load the inbox: {tasks.error.message}
            </p>
          ) : list.length === 0 ? (
            <div className="flex flex-col items-center px-8 py-16 text-center" data-testid="inbox-empty">
              <span className="mb-3 rounded-full bg-slate-100 p-3 text-slate-400">
                {visibleTab === "decided" ? <CheckCheck size={22} /> : <Inbox size={22} />}
              </span>
              <p className="font-medium text-slate-800">{empty[visibleTab].title}</p>
              <p className="mt-1 text-sm text-slate-500">
                {role === "viewer" && visibleTab === "mine"
                  ? "Your role (viewer) can see runs but not decide approvals; an owner can change it in Settings."
                  : empty[visibleTab].body}
              </p>
              {visibleTab === "mine" && owner && !!counts.data?.all && (
                <Button size="sm" className="mt-4" onClick={() => switchTab("all")}>
                  {counts.data.all} open in the workspace → All open
                </Button>
              )}
            </div>
          ) : (
            <>
              <TaskList tasks={list} selectedId={shown?.id} onSelect={select} />
              {(page > 0 || list.length === PAGE_SIZE) && (
                <nav className="flex items-center justify-between px-4 py-3 text-sm" aria-label="Pages">
                  <Button size="sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
                    <ChevronLeft size={14} /> Previous
                  </Button>
                  <span className="text-slate-500">
                    {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + list.length}
                  </span>
                  <Button size="sm" disabled={list.length < PAGE_SIZE} onClick={() => setPage(page + 1)}>
                    Next <ChevronRight size={14} />
                  </Button>
                </nav>
              )}
            </>
          )}
        </div>
      </section>
      <div className="min-w-0 flex-1 overflow-auto bg-slate-50/50">
        {shown ? (
          <TaskDetail key={shown.id} task={shown} me={me.data?.user.id} onDecided={onDecided} />
        ) : (
          list.length > 0 && <p className="p-8 text-sm text-slate-500">Pick a task on the left, or press j.</p>
        )}
      </div>
    </div>
  );
}
