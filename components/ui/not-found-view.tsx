import Link from "next/link";

export function NotFoundView({ what }: { what: string }) {
  return (
    <div
      className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-8 text-center"
      data-testid="not-found"
    >
      <p className="text-sm font-semibold tracking-wide text-accent-600">404</p>
      <h1 className="text-2xl font-semibold text-slate-900">This {what} does not exist</h1>
      <p className="max-w-md text-slate-600">
        It may have been deleted, or it belongs to a workspace you are not a member of.
      </p>
      <Link
        href="/flows"
        className="mt-2 rounded-md bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700"
      >
        Back to flows
      </Link>
    </div>
  );
}
