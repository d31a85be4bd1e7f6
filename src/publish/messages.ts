/**
 * Routing transitions to whoever speaks for their receivers: an active notifier that owns the
 * receiver, or a channel that announces to it (email lists). A transition nobody speaks for (its
 * notifier switched off) sends nothing, but is still recorded by the table.
 */
import type { Adapter, PostingTransition } from '../adapter';
import { renderContext } from '../pipeline/context';
import type { SiteConfig } from '../model/config';
import type { Notifier, SharedPlanContext } from './notifier';
import { withConfig } from './notifier-config';
import type { Message, Transition } from './protocol';

const toPostingTransition = (t: Transition, keySpace: string): PostingTransition => ({
  receiver: t.receiver,
  id: t.subject.id,
  event: t.event,
  version: t.version,
  keySpace,
  state: t.subject.lifecycle,
  ...(t.subject.entry ? { entry: t.subject.entry } : {}),
});

export function messagesFor(
  transitions: readonly Transition[],
  active: readonly Notifier[],
  adapters: readonly Adapter[],
  site: SiteConfig,
  ctx: SharedPlanContext,
): Message[] {
  const out: Message[] = [];
  for (const n of active) {
    const mine = transitions.filter((t) => n.owns(t.receiver));
    if (mine.length && n.plan) out.push(...n.plan(mine, withConfig(n, ctx)));
  }
  for (const a of adapters) {
    if (!a.announce || !a.ownsReceiver) continue;
    const mine = transitions.filter((t) => t.subject.kind === 'posting' && a.ownsReceiver!(t.receiver));
    if (!mine.length) continue;
    for (const m of a.announce(
      mine.map((t) => toPostingTransition(t, ctx.keySpace)),
      renderContext(a, site, ctx.now, ctx.links),
    )) {
      out.push({
        receiver: m.receiver,
        transport: m.transport,
        subject: m.posting,
        version: m.version,
        event: m.event,
        // The channel's line travels with the payload: its transport's `describe` shows it.
        payload: { summary: m.summary, ...(m.payload as object) },
        ...(m.cancelIfGone ? { cancelIfGone: true } : {}),
      });
    }
  }
  return out;
}
