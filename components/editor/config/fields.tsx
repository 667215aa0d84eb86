"use client";
import { type ReactNode, useId, useRef, useState } from "react";
import { expressionSyntaxError, templateParts, templateSyntaxError } from "@/lib/flow/expressions";
import type { ScopeEntry } from "@/lib/flow/scope";
import { insertAt, ScopePicker } from "./scope-picker";

export type Path = (string | number)[];

export function getAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], data);
}

/** A copy of `data` with the value at `path` replaced (undefined removes the key). */
export function setAt<T>(data: T, path: Path, value: unknown): T {
  const [head, ...rest] = path;
  if (head === undefined) return value as T;
  const container = Array.isArray(data) ? [...data] : { ...(data as object) };
  const next = rest.length === 0 ? value : setAt((container as Record<string | number, unknown>)[head], rest, value);
  if (next === undefined && !Array.isArray(container)) delete (container as Record<string, unknown>)[head as string];
  else (container as Record<string | number, unknown>)[head] = next;
  return container as T;
}

export interface FieldProps {
  label: string;
  help?: string;
  error?: string;
  children: (id: string) => ReactNode;
}

export function Field({ label, help, error, children }: FieldProps) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      {children(id)}
      {error ? (
        <p className="text-xs text-red-600" role="alert">
          {error}
        </p>
      ) : (
        help && <p className="text-xs text-slate-500">{help}</p>
      )}
    </div>
  );
}

const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 aria-invalid:border-red-400";

export function TextInput(props: {
  id: string;
  value: unknown;
  onChange: (v: string) => void;
  invalid?: boolean;
  placeholder?: string;
}) {
  return (
    <input
      id={props.id}
      className={inputClass}
      value={typeof props.value === "string" ? props.value : ""}
      placeholder={props.placeholder}
      aria-invalid={props.invalid || undefined}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

export function NumberInput(props: {
  id: string;
  value: unknown;
  onChange: (v: number | undefined) => void;
  invalid?: boolean;
  min?: number;
}) {
  return (
    <input
      id={props.id}
      type="number"
      min={props.min}
      className={inputClass}
      value={typeof props.value === "number" ? props.value : ""}
      aria-invalid={props.invalid || undefined}
      onChange={(e) => props.onChange(e.target.value === "" ? undefined : Number(e.target.value))}
    />
  );
}

export function Select<T extends string>(props: {
  id: string;
  value: unknown;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <select
      id={props.id}
      className={inputClass}
      value={String(props.value ?? "")}
      onChange={(e) => props.onChange(e.target.value as T)}
    >
      {props.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function Toggle(props: { id: string; value: unknown; onChange: (v: boolean) => void; label: string }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input
        id={props.id}
        type="checkbox"
        checked={props.value === true}
        onChange={(e) => props.onChange(e.target.checked)}
        className="h-4 w-4 accent-accent-600"
      />
      {props.label}
    </label>
  );
}

/** A JSONata field: monospace, with the syntax checked as you type and a picker of what is in scope. */
export function CodeInput(props: {
  id: string;
  value: unknown;
  onChange: (v: string) => void;
  form: "expression" | "template";
  invalid?: boolean;
  rows?: number;
  scope?: () => ScopeEntry[];
}) {
  const text = typeof props.value === "string" ? props.value : "";
  const syntax = syntaxProblem(text, props.form);
  const area = useRef<HTMLTextAreaElement>(null);
  const [picking, setPicking] = useState(false);
  const cursor = useRef<{ start: number; end: number } | null>(null);
  const insert = (expression: string) => {
    const el = area.current;
    const reference = props.form === "template" ? `{{ ${expression} }}` : expression;
    // Where the cursor last was; a field never clicked into gets the reference at its end.
    const at = cursor.current ?? { start: text.length, end: text.length };
    const gap = cursor.current || /(^|\s)$/.test(text) ? "" : " ";
    const next = insertAt(text, at.start, at.end, gap + reference);
    cursor.current = { start: next.cursor, end: next.cursor };
    props.onChange(next.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.cursor, next.cursor);
    });
  };
  return (
    <>
      <textarea
        ref={area}
        id={props.id}
        rows={props.rows ?? (props.form === "template" ? 4 : 2)}
        spellCheck={false}
        className={`${inputClass} resize-y font-mono text-[13px] leading-snug`}
        value={text}
        aria-invalid={props.invalid || Boolean(syntax) || undefined}
        onChange={(e) => {
          cursor.current = { start: e.target.selectionStart, end: e.target.selectionEnd };
          props.onChange(e.target.value);
        }}
        onSelect={(e) => {
          cursor.current = { start: e.currentTarget.selectionStart, end: e.currentTarget.selectionEnd };
        }}
        onKeyDown={(e) => {
          if (props.scope && e.key === " " && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            setPicking(true);
          }
        }}
      />
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          {syntax && <p className="text-xs text-red-600">{syntax}</p>}
          {!syntax && props.form === "template" && text.includes("{{") && (
            <p className="text-xs text-slate-500">
              {templateParts(text).filter((p) => "expression" in p).length} expression(s) in {"{{ }}"}
            </p>
          )}
        </div>
        {props.scope && <ScopePicker open={picking} onOpenChange={setPicking} scope={props.scope} onPick={insert} />}
      </div>
    </>
  );
}

function syntaxProblem(text: string, form: "expression" | "template"): string | null {
  if (text.trim() === "") return null;
  if (form === "template") return templateSyntaxError(text);
  const reason = expressionSyntaxError(text);
  return reason && `does not parse: ${reason}`;
}

/**
 * A JSON value edited as text (a tool's parameter schema, a mock script): the text is kept as
 * typed, and the value changes only when it parses, so a half-typed edit never loses the value.
 */
export function JsonInput(props: { id: string; value: unknown; onChange: (v: unknown) => void; rows?: number }) {
  const shown = props.value === undefined ? "" : JSON.stringify(props.value, null, 2);
  const [text, setText] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  const last = useRef(shown);
  // A change from outside (undo, another field) replaces the text; our own edits do not.
  if (shown !== last.current) {
    last.current = shown;
    if (problem === null) setText(shown);
  }
  return (
    <>
      <textarea
        id={props.id}
        rows={props.rows ?? 4}
        spellCheck={false}
        className={`${inputClass} resize-y font-mono text-[12px] leading-snug`}
        value={text}
        aria-invalid={problem !== null || undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setProblem(null);
            last.current = "";
            props.onChange(undefined);
            return;
          }
          try {
            const value = JSON.parse(e.target.value);
            setProblem(null);
            last.current = JSON.stringify(value, null, 2);
            props.onChange(value);
          } catch (error) {
            setProblem(`Not JSON yet: ${error instanceof Error ? error.message : String(error)}`);
          }
        }}
      />
      {problem && <p className="text-xs text-amber-700">{problem}</p>}
    </>
  );
}
