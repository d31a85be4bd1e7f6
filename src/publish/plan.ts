/**
 * One run's plan: new versions where a subject's observation changed, each receiver's transition by
 * the table (./transitions.ts), and the messages the notifiers and channels make of them. Pure:
 * subjects and the ledger's rows in, what to record and queue out (see Ledger.commitRun).
 */
import type { KnownSubject, NewOutboxItem, RunCommit, SubjectRow, ToldRow } from '../ledger/ledger';
import { digestOf } from './observe';
import { messageKey, type Message, type Subject, type Transition } from './protocol';
import { eventFor } from './transitions';

export interface Plan extends RunCommit {
  transitions: Transition[];
  messages: Message[];
}

export interface RunNumbers {
  /** The sequence number of the run being planned: a subject whose observation changed gets it as its version. */
  seq: number;
  /** Tell every receiver everything again: every live observation is a publish, at this run's version. */
  resendAll?: boolean;
}

/**
 * Subjects' versions and transitions against what the ledger recorded. A version is the number of
 * the run that saw the change, so it only grows, also across a ledger rebuilt from the output.
 */
export function transitionsOf(
  subjects: readonly Subject[],
  known: ReadonlyMap<string, KnownSubject>,
  told: ReadonlyMap<string, ToldRow>,
  now: Date,
  run: RunNumbers,
): Pick<Plan, 'subjects' | 'transitions' | 'told' | 'gone'> {
  const toldBySubject = new Map<string, ToldRow[]>();
  for (const t of told.values()) toldBySubject.set(t.subject, [...(toldBySubject.get(t.subject) ?? []), t]);
  const rows: SubjectRow[] = [];
  const transitions: Transition[] = [];
  const toldRows: ToldRow[] = [];
  const gone: { receiver: string; subject: string }[] = [];
  const at = now.toISOString();
  for (const s of subjects) {
    const { version, row } = versionOf(s, known.get(s.id), run, at);
    if (row) rows.push(row);
    for (const step of receiverSteps(s, toldBySubject.get(s.id) ?? [], version, run, at)) {
      transitions.push(step.transition);
      toldRows.push(step.told);
      if (step.told.state === 'gone') gone.push({ receiver: step.told.receiver, subject: s.id });
    }
  }
  return { subjects: rows, transitions, told: toldRows, gone };
}

/** A subject's version (the one before while its digest holds, unless resending all) and its new row when anything recorded of it changed. */
function versionOf(s: Subject, prev: KnownSubject | undefined, run: RunNumbers, at: string): { version: number; row: SubjectRow | undefined } {
  const digest = digestOf(s);
  const version = prev && prev.digest === digest && !run.resendAll ? prev.version : run.seq;
  const languages = s.languages ?? null;
  const changed =
    !prev ||
    prev.digest !== digest ||
    prev.since !== s.since ||
    prev.hash !== s.hash ||
    prev.lifecycle !== s.lifecycle ||
    (prev.languages ?? null) !== languages;
  if (!changed) return { version, row: undefined };
  const row: SubjectRow = {
    subject: s.id,
    kind: s.kind,
    version,
    digest,
    lifecycle: s.lifecycle,
    hash: s.hash,
    since: s.since,
    changed: prev && prev.version === version ? prev.changed : at,
    content: s.content ? JSON.stringify(s.content) : null,
    languages,
  };
  return { version, row };
}

/** A receiver's transition by the table, with the told row it leaves. */
interface ReceiverStep {
  transition: Transition;
  told: ToldRow;
}

/** The steps of a subject's receivers (those it is live for now and those told before), in receiver order. */
function receiverSteps(s: Subject, toldBefore: readonly ToldRow[], version: number, run: RunNumbers, at: string): ReceiverStep[] {
  const before = new Map(toldBefore.map((t) => [t.receiver, t]));
  const receivers = new Set([...s.observations.map((o) => o.receiver), ...before.keys()]);
  const byReceiver = new Map(s.observations.map((o) => [o.receiver, o]));
  const steps: ReceiverStep[] = [];
  for (const receiver of [...receivers].sort()) {
    const observed = byReceiver.get(receiver);
    const prior = before.get(receiver);
    // Resending everything: what is live now is published again; what was told live and left is closed.
    const event = run.resendAll && observed ? 'publish' : eventFor(prior, observed);
    if (!event) continue;
    steps.push({
      transition: { receiver, subject: s, event, version, ...(observed ? { observed } : {}), ...(prior ? { told: prior } : {}) },
      told: {
        receiver,
        subject: s.id,
        state: observed ? 'live' : 'gone',
        version,
        fingerprint: observed?.fingerprint ?? prior?.fingerprint ?? '',
        detail: observed?.detail !== undefined ? JSON.stringify(observed.detail) : (prior?.detail ?? null),
        at,
      },
    });
  }
  return steps;
}

/** Outbox items for messages: keyed (receiver, subject, version) in this ledger's key space. */
function outboxItems(messages: readonly Message[], keySpace: string): NewOutboxItem[] {
  return messages.map((m) => ({
    key: messageKey(m, keySpace),
    notifier: m.transport,
    receiver: m.receiver,
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.event ? { event: m.event } : {}),
    payload: m.payload,
    ...(m.cancelIfGone ? { cancelIfGone: true } : {}),
  }));
}

export function planRun(
  subjects: readonly Subject[],
  known: ReadonlyMap<string, KnownSubject>,
  told: ReadonlyMap<string, ToldRow>,
  now: Date,
  run: RunNumbers & { keySpace: string },
  messagesFor: (t: readonly Transition[]) => Message[],
): Plan {
  const base = transitionsOf(subjects, known, told, now, run);
  const messages = messagesFor(base.transitions);
  return { ...base, messages, items: outboxItems(messages, run.keySpace), seq: run.seq };
}
