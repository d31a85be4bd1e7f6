/**
 * The composition root's one look at the plugins: the channel registry (adapters/index.ts), the
 * notifier registry (notifiers/index.ts) and the importer registry (importers/index.ts). Nothing else under src/ imports a plugin or names one
 * (tests/architecture.test.ts checks it).
 */
export { adapters } from '../../adapters';
export { notifiers } from '../../notifiers';
export { importers } from '../../importers';
