"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { authClient } from "../auth-client";
import { Logo } from "../shell/logo";
import { Button } from "../ui/button";
import { TextField } from "../ui/text-field";

/** Only same-site paths: `next` comes from the URL and must not send users elsewhere. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/flows";
}

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError(undefined);
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "") })
        : await authClient.signIn.email({ email, password });
    setBusy(false);
    if (result.error) {
      setError(
        result.error.status === 429
          ? "Too many attempts. Wait a minute, then try again."
          : (result.error.message ?? "That did not work. Try again."),
      );
      return;
    }
    router.replace(next);
    router.refresh();
  }

  const other = mode === "sign-in" ? "/sign-up" : "/sign-in";
  const otherHref = params.get("next") ? `${other}?next=${encodeURIComponent(next)}` : other;
  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-b from-slate-50 to-slate-100 p-6">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
          <h1 className="text-xl font-semibold text-slate-900">
            {mode === "sign-in" ? "Sign in to Switchyard" : "Create your account"}
          </h1>
          <p className="mt-1 text-sm text-slate-500">
            {mode === "sign-in" ? "Welcome back." : "You get your own workspace, ready for your first flow."}
          </p>
          <form onSubmit={submit} className="mt-6 flex flex-col gap-4">
            {mode === "sign-up" && <TextField label="Name" name="name" autoComplete="name" required maxLength={100} />}
            <TextField label="Email" name="email" type="email" autoComplete="email" required />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
              required
              minLength={8}
              hint={mode === "sign-up" ? "At least 8 characters." : undefined}
            />
            {error && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {error}
              </p>
            )}
            <Button type="submit" variant="primary" disabled={busy} className="mt-2 w-full">
              {busy ? "Please wait…" : mode === "sign-in" ? "Sign in" : "Create account"}
            </Button>
          </form>
        </div>
        <p className="mt-6 text-center text-sm text-slate-600">
          {mode === "sign-in" ? "New to Switchyard? " : "Already have an account? "}
          <Link href={otherHref} className="font-medium text-accent-600 hover:text-accent-700">
            {mode === "sign-in" ? "Create an account" : "Sign in"}
          </Link>
        </p>
      </div>
    </main>
  );
}
