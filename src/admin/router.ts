/** The recruiting-ops admin (/admin/); it exists only when JOBCAST_ADMIN_TOKEN is set. */
import type express from 'express';
import type { Logger } from '../log';
import type { Service } from '../serve/service';

export function adminRouter(_service: Service, env: NodeJS.ProcessEnv, _log: Logger): express.Router | undefined {
  if (!env.JOBCAST_ADMIN_TOKEN) return undefined;
  return undefined;
}
