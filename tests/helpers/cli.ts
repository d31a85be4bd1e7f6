/** Run the CLI in-process and capture what it prints. */
import { main } from '../../src/cli/main';
import type { Diagnostic } from '../../src/diagnostics';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => void (stdout += s) },
    stderr: { write: (s: string) => void (stderr += s) },
    env: { ...env },
  });
  return { code, stdout, stderr };
}

/** `validate --format json` and its parsed diagnostics. */
export async function validateJson(args: string[]): Promise<{ code: number; diagnostics: Diagnostic[]; json: Record<string, unknown> }> {
  const run = await runCli(['validate', '--format', 'json', ...args]);
  const json = JSON.parse(run.stdout) as Record<string, unknown>;
  return { code: run.code, diagnostics: json.diagnostics as Diagnostic[], json };
}
