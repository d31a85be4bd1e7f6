import type { Notifier } from '../notifier';
import { indexingApi } from './indexing-api';
import { indexNow } from './indexnow';
import { smtp } from './smtp';
import { webhooks } from './webhooks';
import { webSub } from './websub';

/** Every way jobcast tells the world about a change, in delivery order. */
export const notifiers: readonly Notifier[] = [indexingApi, indexNow, webSub, webhooks, smtp];
