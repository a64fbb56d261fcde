/** Writes docs/ERRORS.md from the problem catalogue. */
import { writeFileSync } from 'node:fs';

import { renderErrorsDoc } from '../libs/common/src/problem/errors-doc';

writeFileSync('docs/ERRORS.md', renderErrorsDoc());
console.log('wrote docs/ERRORS.md');
