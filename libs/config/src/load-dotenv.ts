import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Loads `.env` from the working directory into process.env without overriding variables that are
 * already set, so the real environment always wins. Lines are KEY=value; # starts a comment.
 */
export function loadDotEnv(file = resolve(process.cwd(), '.env')): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, key, rawValue] = match;
    const value = rawValue.replace(/^(['"])(.*)\1$/, '$2');
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

/** For the demo and the benchmarks on a fresh clone: a .env from .env.example when there is none. */
export function ensureDotEnv(file = resolve(process.cwd(), '.env'), example = resolve(process.cwd(), '.env.example')): boolean {
  if (existsSync(file)) return false;
  copyFileSync(example, file);
  return true;
}
