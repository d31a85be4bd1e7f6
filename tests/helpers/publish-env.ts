/** A project wired to fake remotes: Indexing API, IndexNow, a WebSub hub and a board webhook. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ledger } from '../../src/ledger/ledger';
import { silentLogger } from '../../src/log';
import { publish, type PublishOptions, type PublishResult } from '../../src/publish/run';
import type { FakeRemote } from './fake-remote';
import { tempProject, type TempProject } from './project';

export const BOARD_SECRET = 'board-signing-secret-123';
export const INDEXNOW_KEY = 'a1b2c3d4e5f6a7b8';
export const BASE_URL = 'https://jobs.example.com';

/**
 * Generous by default: on a loaded machine (a CI box running several suites and CLI children) the
 * fake remote's answer can take far longer than a real one would, and a 400 ms timeout turned that
 * into a failed first publish now and then. Tests about timeouts pass a short one of their own.
 */
const HTTP_TIMEOUT_MS = 5000;

export function notifyConfig(remote: string, extra = '', { timeoutMs = HTTP_TIMEOUT_MS }: { timeoutMs?: number } = {}): string {
  return `organization:
  name: Example Corp
  url: https://www.example.com
  logo: https://www.example.com/logo.png
  linkedinCompanyId: "1234567"
  email: jobs@example.com
baseUrl: ${BASE_URL}
schedule: { cron: "*/15 * * * *", timezone: UTC }
notify:
  google: { enabled: true, endpoint: "${remote}/indexing", tokenUrl: "${remote}/token", dailyBudget: 200 }
  indexnow: { enabled: true, key: ${INDEXNOW_KEY}, endpoint: "${remote}/indexnow" }
  websub: { hubs: ["${remote}/hub"] }
  webhooks:
    - { name: board, url: "${remote}/webhook", secretEnv: BOARD_SECRET }
  http: { timeoutMs: ${timeoutMs}, retries: 2, backoffMs: 1 }
${extra}`;
}

export interface PublishEnv {
  project: TempProject;
  ledger: Ledger;
  env: NodeJS.ProcessEnv;
  publicKey: string;
  sleeps: number[];
  run(now: string, opts?: Partial<PublishOptions>): Promise<PublishResult>;
  cleanup(): Promise<void>;
}

export async function publishEnv(
  remote: FakeRemote,
  postings: Record<string, string>,
  extraConfig = '',
  http: { timeoutMs?: number } = {},
): Promise<PublishEnv> {
  const project = tempProject(postings, notifyConfig(remote.url, extraConfig, http));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(project.dir, 'service-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      client_email: 'jobcast@example-project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      token_uri: `${remote.url}/token`,
    }),
  );
  const env = { GOOGLE_APPLICATION_CREDENTIALS: keyFile, BOARD_SECRET };
  const ledger = await Ledger.open(path.join(project.dir, 'state.db'));
  const sleeps: number[] = [];
  return {
    project,
    ledger,
    env,
    sleeps,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    run: async (now, opts = {}) =>
      publish(await project.open(), ledger, {
        now: new Date(now),
        env,
        log: silentLogger(),
        sleep: async (ms) => void sleeps.push(ms),
        ...opts,
      }),
    cleanup: async () => {
      await ledger.close();
      project.cleanup();
    },
  };
}
