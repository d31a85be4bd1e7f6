/**
 * How far a build is, for whoever shows it (the CLI's progress line on a terminal). A build of
 * 100,000 roles takes minutes; it says what it is doing instead of going quiet.
 */
export type BuildProgress =
  /** Source files read and checked so far, of all of them. */
  | { phase: 'validate'; done: number; total: number }
  /** Roles whose own files (page, JSON, emails) are done, of those that need rendering; `shared`: the channel whose feeds are being made. */
  | { phase: 'render'; done: number; total: number; shared?: string };

export type ProgressListener = (progress: BuildProgress) => void;
