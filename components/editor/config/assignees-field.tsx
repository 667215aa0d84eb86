"use client";
import { useQuery } from "@tanstack/react-query";
import { Check } from "lucide-react";
import { useTRPC } from "../../trpc";
import { Field, getAt, type Path } from "./fields";
import type { NodeForm } from "./node-form";

const roles = [
  { value: "approver", label: "Approvers" },
  { value: "editor", label: "Editors" },
  { value: "owner", label: "Owners" },
] as const;

/** Toggles a value in a list of strings. */
const toggled = (list: string[], value: string, on: boolean) =>
  on ? [...new Set([...list, value])] : list.filter((v) => v !== value);

function Chip(props: { label: string; checked: boolean; onChange: (on: boolean) => void; missing?: boolean }) {
  return (
    <label
      className={`flex cursor-pointer items-center gap-1 rounded-full border px-2.5 py-1 text-xs outline-offset-2 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-600 ${
        props.checked ? "border-accent-500 bg-accent-50 text-accent-700" : "border-slate-300 text-slate-600"
      } ${props.missing ? "border-dashed" : ""}`}
      title={props.missing ? "No such group in Settings: nobody is in it" : undefined}
    >
      <input
        type="checkbox"
        className="sr-only"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {props.checked && <Check size={12} aria-hidden="true" />}
      {props.label}
    </label>
  );
}

/** Groups of the workspace (from Settings) as chips, plus any named in the flow that no longer exist. */
export function GroupChips({ f, data, path, label }: { f: NodeForm; data: unknown; path: Path; label: string }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.team.groups.queryOptions());
  const chosen = (getAt(data, path) as string[] | undefined) ?? [];
  const known = (groups.data ?? []).map((g) => g.name);
  const names = [...new Set([...known, ...chosen])];
  return (
    <Field
      label={label}
      help={names.length === 0 ? "Create groups in Settings, e.g. finance or legal." : undefined}
      error={f.error(path)}
    >
      {(id) => (
        <fieldset id={id} className="flex flex-wrap gap-1.5" aria-label={label}>
          {names.map((name) => (
            <Chip
              key={name}
              label={name}
              checked={chosen.includes(name)}
              missing={groups.isSuccess && !known.includes(name)}
              onChange={(on) => f.set(path, toggled(chosen, name, on))}
            />
          ))}
        </fieldset>
      )}
    </Field>
  );
}

/** Who may decide an approval: roles, groups and people; none chosen means anyone who may decide. */
export function AssigneesField({ f, data, base = [] }: { f: NodeForm; data: Record<string, unknown>; base?: Path }) {
  const trpc = useTRPC();
  const members = useQuery(trpc.team.members.queryOptions());
  const chosenRoles = (getAt(data, [...base, "assignees", "roles"]) as string[] | undefined) ?? [];
  const chosenUsers = (getAt(data, [...base, "assignees", "users"]) as string[] | undefined) ?? [];
  return (
    <>
      <Field label="Roles" help="Nothing chosen below: anyone who may decide.">
        {(id) => (
          <fieldset id={id} className="flex flex-wrap gap-1.5" aria-label="Roles">
            {roles.map((r) => (
              <Chip
                key={r.value}
                label={r.label}
                checked={chosenRoles.includes(r.value)}
                onChange={(on) => f.set([...base, "assignees", "roles"], toggled(chosenRoles, r.value, on))}
              />
            ))}
          </fieldset>
        )}
      </Field>
      <GroupChips f={f} data={data} path={[...base, "assignees", "groups"]} label="Groups" />
      <Field label="People">
        {(id) => (
          <fieldset id={id} className="flex flex-wrap gap-1.5" aria-label="People">
            {/* Viewers never decide: assigning one would leave the task with nobody to take it. */}
            {(members.data ?? [])
              .filter((m) => m.role !== "viewer")
              .map((m) => (
                <Chip
                  key={m.userId}
                  label={m.name}
                  checked={chosenUsers.includes(m.userId)}
                  onChange={(on) => f.set([...base, "assignees", "users"], toggled(chosenUsers, m.userId, on))}
                />
              ))}
          </fieldset>
        )}
      </Field>
    </>
  );
}
