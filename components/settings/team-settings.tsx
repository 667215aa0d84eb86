"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, Link2, Plus, Trash2, Users } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { ApiTokenSettings } from "./api-token-settings";
import { AuditLogSettings } from "./audit-log-settings";
import { Card } from "./card";
import { HealthSettings } from "./health-settings";
import { ModelPricesSettings } from "./model-prices-settings";
import { NetworkSettings } from "./network-settings";
import { RunRetentionSettings } from "./run-retention-settings";

type Role = "owner" | "editor" | "approver" | "viewer";
const roles: { value: Role; label: string; can: string }[] = [
  { value: "owner", label: "Owner", can: "everything, including members and roles" },
  { value: "editor", label: "Editor", can: "edit and run flows, decide approvals" },
  { value: "approver", label: "Approver", can: "see flows and runs, decide approvals" },
  { value: "viewer", label: "Viewer", can: "see flows and runs" },
];
const selectClass = "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm disabled:bg-slate-50";

/** Settings: the workspace's members and roles, invite links and groups. Owners change them. */
export function TeamSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const isOwner = me.data?.workspace?.role === "owner";
  const members = useQuery(trpc.team.members.queryOptions());
  const groups = useQuery(trpc.team.groups.queryOptions());
  const invites = useQuery({ ...trpc.team.invites.queryOptions(), enabled: isOwner });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }); // the change is in the log now
  };
  const onError = (e: { message: string }) => toast(e.message, "error");
  const setRole = useMutation(trpc.team.setRole.mutationOptions({ onSuccess: refresh, onError }));
  const remove = useMutation(trpc.team.removeMember.mutationOptions({ onSuccess: refresh, onError }));
  const [inviteRole, setInviteRole] = useState<Role>("editor");
  const createInvite = useMutation(
    trpc.team.createInvite.mutationOptions({
      onSuccess: (invite) => {
        refresh();
        void copyLink(invite.token);
      },
      onError,
    }),
  );
  const revoke = useMutation(trpc.team.revokeInvite.mutationOptions({ onSuccess: refresh, onError }));
  const [groupName, setGroupName] = useState("");
  const createGroup = useMutation(
    trpc.team.createGroup.mutationOptions({
      onSuccess: () => {
        setGroupName("");
        refresh();
      },
      onError,
    }),
  );
  const removeGroup = useMutation(trpc.team.removeGroup.mutationOptions({ onSuccess: refresh, onError }));
  const setGroupMembers = useMutation(trpc.team.setGroupMembers.mutationOptions({ onSuccess: refresh, onError }));
  const inviteUrl = (token: string) => `${window.location.origin}/invite/${token}`;
  const copyLink = async (token: string) => {
    await navigator.clipboard?.writeText(inviteUrl(token)).catch(() => {});
    toast("Invite link copied: send it to who should join");
  };

  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-8 p-8">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-500">
          {me.data?.workspace?.workspaceName} ·{" "}
          {isOwner ? "you are an owner" : `your role: ${me.data?.workspace?.role ?? "…"}`}
        </p>
      </div>

      <Card title="Members" icon={<Users size={16} />}>
        <table className="w-full text-sm" aria-label="Members">
          <tbody className="divide-y divide-slate-100">
            {members.data?.map((m) => (
              <tr key={m.userId} data-testid={`member-${m.email}`}>
                <td className="py-2.5">
                  <p className="font-medium text-slate-900">{m.name}</p>
                  <p className="text-xs text-slate-500">
                    {m.email}
                    {m.groups.length > 0 && ` · ${m.groups.map((g) => g.name).join(", ")}`}
                  </p>
                </td>
                <td className="py-2.5 text-right">
                  <select
                    aria-label={`Role of ${m.name}`}
                    className={selectClass}
                    value={m.role}
                    disabled={!isOwner || setRole.isPending}
                    onChange={(e) => setRole.mutate({ userId: m.userId, role: e.target.value as Role })}
                  >
                    {roles.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </td>
                {isOwner && (
                  <td className="w-10 py-2.5 text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Remove ${m.name}`}
                      onClick={() => remove.mutate({ userId: m.userId })}
                    >
                      <Trash2 size={14} />
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-xs text-slate-500">
          {roles.map((r) => (
            <li key={r.value}>
              <span className="font-medium text-slate-700">{r.label}</span>: {r.can}
            </li>
          ))}
        </ul>
      </Card>

      {isOwner && (
        <Card title="Invite links" icon={<Link2 size={16} />}>
          <p className="text-sm text-slate-600">
            Anyone with a link joins as its role. Links last 7 days; revoke one to stop it at once.
          </p>
          <div className="mt-3 flex items-center gap-2">
            <select
              aria-label="Role for the invite"
              className={selectClass}
              value={inviteRole}
              onChange={(e) => setInviteRole(e.target.value as Role)}
            >
              {roles.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <Button
              variant="primary"
              size="sm"
              disabled={createInvite.isPending}
              onClick={() => createInvite.mutate({ role: inviteRole })}
            >
              <Plus size={14} /> Create invite link
            </Button>
          </div>
          {(invites.data?.length ?? 0) > 0 && (
            <ul className="mt-4 divide-y divide-slate-100 text-sm" aria-label="Open invites">
              {invites.data?.map((invite) => (
                <li key={invite.id} className="flex items-center gap-3 py-2">
                  <code className="min-w-0 flex-1 truncate text-xs text-slate-600" data-testid="invite-url">
                    {inviteUrl(invite.token)}
                  </code>
                  <span className="text-xs text-slate-500">
                    {invite.role} · until {invite.expiresAt.toLocaleDateString()}
                  </span>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label="Copy invite link"
                    onClick={() => copyLink(invite.token)}
                  >
                    <Copy size={14} />
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => revoke.mutate({ id: invite.id })}>
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}

      <Card title="Groups" icon={<Users size={16} />}>
        <p className="text-sm text-slate-600">Approval steps can assign their tasks to a group, e.g. “finance”.</p>
        {groups.data?.length === 0 && <p className="mt-3 text-sm text-slate-500">No groups yet.</p>}
        <ul className="mt-3 flex flex-col gap-3">
          {groups.data?.map((g) => (
            <li key={g.id} className="rounded-lg border border-slate-200 p-3" data-testid={`group-${g.name}`}>
              <div className="flex items-center justify-between">
                <p className="font-medium text-slate-900">{g.name}</p>
                {isOwner && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete group ${g.name}`}
                    onClick={() => removeGroup.mutate({ id: g.id })}
                  >
                    <Trash2 size={14} />
                  </Button>
                )}
              </div>
              <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
                {members.data?.map((m) => (
                  <label key={m.userId} className="flex items-center gap-1.5 text-sm text-slate-700">
                    <input
                      type="checkbox"
                      className="accent-accent-600"
                      disabled={!isOwner}
                      checked={g.memberIds.includes(m.userId)}
                      onChange={(e) =>
                        setGroupMembers.mutate({
                          id: g.id,
                          userIds: e.target.checked
                            ? [...g.memberIds, m.userId]
                            : g.memberIds.filter((id) => id !== m.userId),
                        })
                      }
                    />
                    {m.name}
                  </label>
                ))}
              </div>
            </li>
          ))}
        </ul>
        {isOwner && (
          <form
            className="mt-3 flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              createGroup.mutate({ name: groupName });
            }}
          >
            <input
              aria-label="New group name"
              placeholder="finance"
              value={groupName}
              onChange={(e) => setGroupName(e.target.value)}
              className="h-8 w-56 rounded-md border border-slate-300 px-2 text-sm"
            />
            <Button size="sm" type="submit" disabled={!groupName.trim() || createGroup.isPending}>
              <Plus size={14} /> Add group
            </Button>
          </form>
        )}
      </Card>

      <NetworkSettings isOwner={isOwner} />
      <RunRetentionSettings isOwner={isOwner} />
      <ModelPricesSettings isOwner={isOwner} />
      <HealthSettings isOwner={isOwner} />
      <ApiTokenSettings myRole={me.data?.workspace?.role} />
      {isOwner && <AuditLogSettings />}
    </div>
  );
}
