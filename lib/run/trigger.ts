/** What started a run, as the runs list and the run view say it: the person, or the trigger. */
export function startedByLabel(run: { trigger?: string; startedBy: string | null }): string {
  if (run.trigger === "schedule") return "Schedule";
  if (run.trigger === "subflow") return "Sub-flow call";
  if (run.trigger === "failure") return "Another run's failure";
  return run.startedBy ?? "Webhook";
}
