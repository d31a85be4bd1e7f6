/**
 * `deploy.afterBuild`: the output a successful build or publish swapped in, copied to the bucket
 * right after. A failed deploy does not undo the build: it is logged (the next one carries on from
 * what the bucket holds).
 */
import { isJobcastError } from '../errors';
import type { Logger } from '../log';
import type { Project } from '../project';
import { deployOutput, type DeployResult } from './deploy';

export async function deployAfterBuild(project: Project, env: NodeJS.ProcessEnv, log: Logger): Promise<DeployResult | undefined> {
  if (!project.config.deploy?.afterBuild) return undefined;
  try {
    const d = await deployOutput(project, { env });
    log.info({ event: 'deploy.done', ...d });
    return d;
  } catch (err) {
    log.error({ event: 'deploy.failed', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
    return undefined;
  }
}
