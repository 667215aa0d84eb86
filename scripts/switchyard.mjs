#!/usr/bin/env node
// The `switchyard` command (npx switchyard): loads the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
await import("../server/cli/main.ts");
