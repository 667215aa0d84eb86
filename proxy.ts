import { type NextRequest, NextResponse } from "next/server";

/**
 * A cheap first gate: pages of the app need a session cookie, or the user is sent to sign in
 * and back. The API checks the session itself; an expired cookie is caught there.
 */
export function proxy(request: NextRequest) {
  const hasSession =
    request.cookies.has("better-auth.session_token") || request.cookies.has("__Secure-better-auth.session_token");
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  const next = request.nextUrl.pathname + request.nextUrl.search;
  url.pathname = "/sign-in";
  url.search = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/", "/flows/:path*", "/runs/:path*", "/inbox/:path*", "/settings/:path*", "/invite/:path*"],
};
