/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/main.ts) owns the database, auth, tRPC and socket.io; Next only
  // renders pages. These must never be bundled if a page ever reaches them by mistake.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@node-rs/argon2",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` checks types once, for all code
};

export default nextConfig;
