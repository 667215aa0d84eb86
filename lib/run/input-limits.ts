import { describeJsonLimit, jsonLimitProblem } from "../json/limits";

/**
 * Why a run may not start with this input, or undefined when it may: no key the serializer
 * cannot carry, no nesting deeper than MAX_JSON_DEPTH. The one rule for every way a run starts
 * (runs.start, webhooks, retries, the CLI), checked before anything is stored, so a run is
 * never created that could not be read back.
 */
export function runInputProblem(input: unknown): string | undefined {
  const problem = jsonLimitProblem(input);
  return problem && describeJsonLimit("input", problem);
}
