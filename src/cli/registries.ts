/**
 * The composition root's one look at the plugins: the channel registry (adapters/index.ts). Nothing
 * else under src/ imports a channel or names one (tests/architecture.test.ts checks it).
 */
export { adapters } from '../../adapters';
