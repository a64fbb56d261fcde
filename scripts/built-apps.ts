/** Where `npm run build` (nest build api, nest build worker) writes each app's entry point. */
export const BUILT_MAIN = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/worker/src/main.js',
} as const;
