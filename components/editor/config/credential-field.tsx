"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { toast } from "../../ui/toaster";
import { Field } from "./fields";
import type { NodeForm } from "./node-form";

/** Picks a workspace credential by name, or adds one; the secret is typed once and never shown again. */
export function CredentialField({ f, data, help }: { f: NodeForm; data: Record<string, unknown>; help?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const credentials = useQuery(trpc.credentials.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState("");
  const [secret, setSecret] = useState("");
  const create = useMutation(
    trpc.credentials.create.mutationOptions({
      onSuccess: (created) => {
        void queryClient.invalidateQueries({ queryKey: trpc.credentials.list.queryKey() });
        f.set(["credentialId"], created.id);
        setAdding(false);
        setName("");
        setSecret("");
      },
      onError: (e) => toast(e.message, "error"),
    }),
  );
  return (
    <Field label="Credential" help={help} error={f.error(["credentialId"])}>
      {(id) => (
        <div className="flex flex-col gap-2">
          <select
            id={id}
            className="w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm"
            value={typeof data.credentialId === "string" ? data.credentialId : ""}
            onChange={(e) => f.set(["credentialId"], e.target.value || undefined)}
          >
            <option value="">None</option>
            {credentials.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {adding ? (
            <div className="flex flex-col gap-2 rounded-md border border-slate-200 p-2">
              <input
                aria-label="Credential name"
                placeholder="Name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                className="h-8 rounded border border-slate-300 px-2 text-sm"
              />
              <input
                aria-label="Secret"
                placeholder="Secret (API key)"
                type="password"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                className="h-8 rounded border border-slate-300 px-2 text-sm"
              />
              <Button
                size="sm"
                variant="primary"
                disabled={!name.trim() || !secret || create.isPending}
                onClick={() => create.mutate({ name, secret })}
              >
                Save credential
              </Button>
            </div>
          ) : (
            <Button size="sm" variant="ghost" className="self-start" onClick={() => setAdding(true)}>
              Add a credential
            </Button>
          )}
        </div>
      )}
    </Field>
  );
}
