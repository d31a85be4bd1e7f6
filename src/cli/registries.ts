/**
 * The composition root's one look at the plugins: the channel registry (adapters/index.ts) and the
 * notifier registry (notifiers/index.ts). Nothing else under src/ imports a plugin or names one
 * (tests/architecture.test.ts checks it).
 */
export { adapters } from '../../adapters';
export { notifiers } from '../../notifiers';
