/**
 * The Chromium the browser tests drive: the system's when one is installed (faster to start), else
 * the one the npm package @sparticuz/chromium ships inside itself — unpacked into the temp folder
 * on first use, no download, no apt. Its own NSS libraries come along (the Amazon Linux set it
 * unpacks when told it runs there), so it needs nothing from the machine but glibc.
 * JOBCAST_CHROMIUM=packaged forces the packaged one; a path names another.
 */
import { existsSync } from 'node:fs';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export interface Browser {
  executablePath: string;
  /** Environment for the browser process (the packaged one's library path). */
  env: Record<string, string>;
  source: 'system' | 'packaged' | 'given';
}

export async function findChromium(): Promise<Browser> {
  const wanted = process.env.JOBCAST_CHROMIUM;
  if (wanted && wanted !== 'packaged') return { executablePath: wanted, env: {}, source: 'given' };
  const system = wanted ? undefined : SYSTEM.find((p) => existsSync(p));
  if (system) return { executablePath: system, env: {}, source: 'system' };
  const saved = { ...process.env };
  try {
    // The package unpacks its libraries (and puts them on LD_LIBRARY_PATH) only where it thinks it
    // runs on Amazon Linux; say so for the moment of loading, then put the environment back.
    process.env.AWS_LAMBDA_JS_RUNTIME = 'nodejs20.x';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@sparticuz/chromium') as { default?: unknown };
    const chromium = (mod.default ?? mod) as { executablePath(): Promise<string> };
    const executablePath = await chromium.executablePath();
    const env: Record<string, string> = {};
    for (const k of ['LD_LIBRARY_PATH', 'FONTCONFIG_PATH']) if (process.env[k]) env[k] = process.env[k]!;
    return { executablePath, env, source: 'packaged' };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
