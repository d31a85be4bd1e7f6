import type { Importer } from '../src/import/importer';
import { ashby } from './ashby';
import { greenhouse } from './greenhouse';
import { lever } from './lever';
import { personio } from './personio';
import { smartrecruiters } from './smartrecruiters';

/**
 * Every applicant tracking system `jobcast import` reads: the only list of importers. Their config
 * sections appear under `import` in this order (docs/config.md).
 */
export const importers: readonly Importer[] = [greenhouse, lever, ashby, personio, smartrecruiters] as readonly Importer[];
