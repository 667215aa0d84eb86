import type { Assignees } from "./events";

/** Who a person is, as far as assignment goes: their id, workspace role and group names. */
export interface AssigneeIdentity {
  id: string;
  role: string;
  groups?: readonly string[];
}

/** Whether a task with these assignees is this person's to decide (no assignees: anyone who may decide). */
export function isAssignee(assignees: Assignees, person: AssigneeIdentity): boolean {
  const groups = assignees.groups ?? [];
  if (assignees.users.length === 0 && assignees.roles.length === 0 && groups.length === 0) return true;
  return (
    assignees.users.includes(person.id) ||
    assignees.roles.includes(person.role) ||
    groups.some((g) => person.groups?.includes(g))
  );
}
