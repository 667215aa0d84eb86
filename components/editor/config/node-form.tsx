"use client";
import type { ReactNode } from "react";
import type { ScopeEntry } from "@/lib/flow/scope";
import { CodeInput, Field, getAt, JsonInput, NumberInput, type Path, Select, setAt, TextInput, Toggle } from "./fields";

/** What a toggle over an optional object switches on, by the object's field name. */
const objectPresets: Record<string, () => unknown> = {
  timeout: () => ({ afterMs: 86_400_000, action: "reject" }),
  cache: () => ({ ttlMs: 3_600_000 }),
  breaker: () => ({ failures: 5, windowMs: 60_000, openMs: 30_000 }),
  rateLimit: () => ({ key: "my-api", perMinute: 60 }),
  approval: () => ({ assignees: { users: [], roles: ["approver"], groups: [] }, editableArgs: true }),
  notify: () => ({
    method: "POST",
    url: "https://example.com/notify",
    headers: {},
    body: '{ "resumeUrl": "{{ resumeUrl }}" }',
  }),
};

/** Builds fields bound to one node's data, with the schema's errors shown at each field. */
export function nodeForm(
  data: Record<string, unknown>,
  errors: Map<string, string>,
  update: (data: Record<string, unknown>, key: string) => void,
  scope?: () => ScopeEntry[],
) {
  const key = (path: Path) => path.join(".");
  const set = (path: Path, value: unknown) => update(setAt(data, path, value), key(path));
  const error = (path: Path) => errors.get(key(path));
  return {
    text: (path: Path, label: string, help?: string): ReactNode => (
      <Field key={key(path)} label={label} help={help} error={error(path)}>
        {(id) => <TextInput id={id} value={getAt(data, path)} onChange={(v) => set(path, v)} invalid={!!error(path)} />}
      </Field>
    ),
    code: (path: Path, label: string, form: "expression" | "template", help?: string, rows?: number): ReactNode => (
      <Field key={key(path)} label={label} help={help} error={error(path)}>
        {(id) => (
          <CodeInput
            id={id}
            value={getAt(data, path)}
            onChange={(v) => set(path, v)}
            form={form}
            rows={rows}
            invalid={!!error(path)}
            scope={scope}
          />
        )}
      </Field>
    ),
    number: (path: Path, label: string, help?: string, min = 0): ReactNode => (
      <Field key={key(path)} label={label} help={help} error={error(path)}>
        {(id) => (
          <NumberInput
            id={id}
            value={getAt(data, path)}
            min={min}
            onChange={(v) => set(path, v)}
            invalid={!!error(path)}
          />
        )}
      </Field>
    ),
    select: <T extends string>(
      path: Path,
      label: string,
      options: readonly { value: T; label: string }[],
      help?: string,
    ): ReactNode => (
      <Field key={key(path)} label={label} help={help} error={error(path)}>
        {(id) => <Select id={id} value={getAt(data, path)} options={options} onChange={(v) => set(path, v)} />}
      </Field>
    ),
    toggle: (path: Path, label: string, help?: string): ReactNode => {
      // A toggle over an optional object (e.g. `timeout`) switches it on with its defaults.
      const preset = objectPresets[String(path.at(-1))];
      const value = preset ? getAt(data, path) !== undefined : getAt(data, path);
      return (
        <Field key={key(path)} label="" help={help} error={error(path)}>
          {(id) => (
            <Toggle
              id={id}
              value={value}
              onChange={(v) => set(path, preset ? (v ? preset() : undefined) : v)}
              label={label}
            />
          )}
        </Field>
      );
    },
    json: (path: Path, label: string, help?: string, rows?: number): ReactNode => (
      <Field key={key(path)} label={label} help={help} error={error(path)}>
        {(id) => <JsonInput id={id} value={getAt(data, path)} onChange={(v) => set(path, v)} rows={rows} />}
      </Field>
    ),
    set,
    error,
  };
}

export type NodeForm = ReturnType<typeof nodeForm>;

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-3 border-t border-slate-100 px-4 py-4">
      <h4 className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase">{title}</h4>
      {children}
    </section>
  );
}
