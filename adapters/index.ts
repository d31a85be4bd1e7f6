/** Every channel jobcast renders. Adding a channel = one file in this folder + one line here. */
import type { Adapter } from '../src/adapter';
import { email } from './email';
import { postingJson } from './posting-json';

export const adapters: readonly Adapter[] = [postingJson, email];
