import type { Notifier } from '../src/publish/notifier';
import { chat } from './chat';
import { googleIndexing } from './google-indexing';
import { indexNow } from './indexnow';
import { mastodon } from './mastodon';
import { smtp } from './smtp';
import { webhooks } from './webhooks';
import { webSub } from './websub';

/**
 * Every way jobcast tells the world about a change, in delivery order: the only list of notifiers.
 * Their config sections appear under `notify` in this order (docs/config.md).
 */
export const notifiers: readonly Notifier[] = [googleIndexing, indexNow, webSub, webhooks, chat, mastodon, smtp];
