"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { relativeTime } from "../ui/relative-time";
import { toast } from "../ui/toaster";
import { Card } from "./card";

type Role = "owner" | "editor" | "approver" | "viewer";
const selectClass = "h-9 rounded-md border border-slate-300 bg-white px-2 text-sm";

/**
 * Settings → API tokens: the caller's personal access tokens for /api/v1. A new token's secret
 * is shown once, here, and never again (only its hash is kept).
 */
export function ApiTokenSettings({ myRole }: { myRole: Role | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }); // the change is in the log now
  };
  const onError = (e: { message: string }) => toast(e.message, "error");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [days, setDays] = useState("90");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (made) => {
        setSecret(made.secret);
        setName("");
        refresh();
      },
      onError,
    }),
  );
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => {
        setSecret(null); // whatever was just shown may be the one revoked
        refresh();
      },
      onError,
    }),
  );
  const narrower: Role[] = (["viewer", "approver", "editor", "owner"] as const).slice(
    0,
    ["viewer", "approver", "editor", "owner"].indexOf(myRole ?? "viewer"),
  );
  const live = (tokens.data ?? []).filter((t) => !t.revokedAt);

  return (
    <Card title="API tokens" icon={<KeyRound size={16} />}>
      <p className="mb-3 text-sm text-slate-600">
        Scripts and other services use the REST API (<code className="font-mono text-xs">/api/v1</code>, described at{" "}
        <a className="text-accent-700 hover:underline" href="/api/v1/openapi.json">
          openapi.json
        </a>
        ) with <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>. A token acts as you, in
        this workspace, with your role or a narrower one.
      </p>
      {secret && (
        <div className="mb-3 rounded-md bg-emerald-50 p-3 ring-1 ring-emerald-200" role="status">
          <p className="text-xs font-medium text-emerald-900">Copy it now: it is shown only this once.</p>
          <div className="mt-1 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate font-mono text-xs" data-testid="new-token">
              {secret}
            </code>
            <CopyButton text={secret} what="token" />
          </div>
        </div>
      )}
      {live.length === 0 ? (
        <p className="mb-3 rounded-md bg-slate-50 p-3 text-sm text-slate-500">No tokens yet.</p>
      ) : (
        <table className="mb-3 w-full text-sm" aria-label="API tokens">
          <tbody className="divide-y divide-slate-100">
            {live.map((t) => (
              <tr key={t.id}>
                <td className="py-2">
                  <p className="font-medium text-slate-900">{t.name}</p>
                  <p className="text-xs text-slate-500">
                    <code className="font-mono">{t.prefix}…</code> · {t.role ?? "your role"} · made{" "}
                    {relativeTime(new Date(t.createdAt))} ·{" "}
                    {t.lastUsedAt ? `used ${relativeTime(new Date(t.lastUsedAt))}` : "never used"} ·{" "}
                    {t.expiresAt ? `expires ${relativeTime(new Date(t.expiresAt))}` : "no expiry"}
                  </p>
                </td>
                <td className="py-2 text-right">
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Revoke ${t.name}`}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ id: t.id })}
                  >
                    <Trash2 size={14} /> Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            name,
            role: role === "" ? null : role,
            expiresInDays: days === "" ? null : Number(days),
          });
        }}
      >
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Name
          <input
            aria-label="Token name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. CI deploys"
            required
            maxLength={100}
            className="h-9 w-56 rounded-md border border-slate-300 px-3 text-sm font-normal"
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Role
          <select
            aria-label="Token role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role | "")}
            className={selectClass}
          >
            <option value="">My role ({myRole ?? "…"})</option>
            {narrower.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Expires
          <select
            aria-label="Token expiry"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            className={selectClass}
          >
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </label>
        <Button type="submit" variant="primary" disabled={create.isPending || name.trim() === ""}>
          <KeyRound size={16} /> Make token
        </Button>
      </form>
    </Card>
  );
}
