import { auditRouter } from "./routers/audit/router";
import { credentialsRouter } from "./routers/credentials/router";
import { flowsRouter } from "./routers/flows/router";
import { healthRouter } from "./routers/health/router";
import { inboxRouter } from "./routers/inbox/router";
import { meRouter } from "./routers/me/router";
import { runsRouter } from "./routers/runs/router";
import { schedulesRouter } from "./routers/schedules/router";
import { settingsRouter } from "./routers/settings/router";
import { teamRouter } from "./routers/team/router";
import { tokensRouter } from "./routers/tokens/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  me: meRouter,
  flows: flowsRouter,
  runs: runsRouter,
  schedules: schedulesRouter,
  credentials: credentialsRouter,
  team: teamRouter,
  inbox: inboxRouter,
  settings: settingsRouter,
  audit: auditRouter,
  health: healthRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
