/**
 * A whole number from an environment variable (a tuning knob such as JOBCAST_LEASE_TTL_MS), or
 * `fallback` when it is unset, empty, not a whole number or below `min`: a mistyped knob keeps the
 * safe default instead of becoming NaN (never true in a comparison) or 0 (an empty string).
 */
export function envInteger(name: string, fallback: number, min = 0, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const v = Number(raw);
  return Number.isInteger(v) && v >= min ? v : fallback;
}
