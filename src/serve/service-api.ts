/** What the running service offers the pages mounted on it (the admin): its parts, and a publish now. */
import type { Ledger } from '../ledger/ledger';
import type { Project } from '../project';
import type { PublishResult } from '../publish/run';
import type { Metrics } from './metrics';
import type { Snapshot } from './snapshot';

export interface Service {
  /** Where to connect to it from this machine. */
  url: string;
  /** What it listens on, as bound (`http://0.0.0.0:3000` for all interfaces). */
  listening: string;
  project: Project;
  ledger: Ledger;
  metrics: Metrics;
  snapshot(): Snapshot | undefined;
  /** One publish run now, waiting for a run already in progress. */
  publishNow(reason?: string, opts?: { dryRun?: boolean }): Promise<PublishResult>;
  /** Re-read the output after a build elsewhere (tests, watch). */
  reload(): Promise<void>;
  close(): Promise<void>;
  /** Settles when the start-up run is done (immediately without a schedule). */
  ready: Promise<void>;
}
