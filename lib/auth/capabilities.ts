/** A member's role in a workspace (the database's Role enum, spelled out for the browser too). */
export type Role = "owner" | "editor" | "approver" | "viewer";

/** What each role may do; procedures ask for a capability, and the UI hides what a role may not do. */
const capabilities = {
  view: ["owner", "editor", "approver", "viewer"],
  edit: ["owner", "editor"],
  run: ["owner", "editor"],
  decide: ["owner", "editor", "approver"],
  manage: ["owner"],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof capabilities;

/** Roles from the fewest rights to the most: each has every capability of those before it. */
const ranks: readonly Role[] = ["viewer", "approver", "editor", "owner"];
/** The narrower of two roles (a token made with less than its person's role). */
export const narrower = (a: Role, b: Role | null): Role => (b && ranks.indexOf(b) < ranks.indexOf(a) ? b : a);

/** Whether a role has a capability: the one reading of the matrix above. */
export const may = (role: Role, capability: Capability): boolean =>
  (capabilities[capability] as readonly Role[]).includes(role);
