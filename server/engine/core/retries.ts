// The rule lives with the run contract: the run view needs it too (lib/run/edges.ts).
export { retriesLeft } from "../../../lib/run/retries";
