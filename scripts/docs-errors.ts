/** Writes docs/ERRORS.md from the problem catalogue (every library's types, gathered by apps/api). */
import { writeFileSync } from 'node:fs';

import { PROBLEM_CATALOGUE } from '../apps/api/src/problems/problem-catalogue';
import { renderErrorsDoc } from '../libs/common/src/problem/errors-doc';

writeFileSync('docs/ERRORS.md', renderErrorsDoc(PROBLEM_CATALOGUE));
console.log('wrote docs/ERRORS.md');
