import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Chromium's profile directories (--user-data-dir) mark its processes as ours and name the process that
 * owns them: `<tmp>/alert-ledger-chromium/w<pid>-<start time>-<n>`. The start time (clock ticks since
 * boot, /proc/<pid>/stat) tells a living owner from a later process that reuses its pid.
 *
 * Launched over a pipe, Chromium normally exits with its owner; if it does not (a worker SIGKILLed while
 * printing), a starting process ends the browsers whose owner is gone (`reapOrphanedBrowsers`): every
 * process whose command line names such a profile, and every process of the browser's process group
 * (puppeteer starts Chromium as a group leader; its zygote, GPU and utility processes stay in the group).
 */
export const PROFILE_ROOT = join(tmpdir(), 'alert-ledger-chromium');
const PROFILE_NAME = /^w(\d+)-(\d+)-\d+$/;
const BROWSER_PID_FILE = 'alert-ledger-browser.pid';

interface ProcessInfo {
  pid: number;
  pgrp: number;
  startTime: string;
  cmdline: string;
}

async function processInfo(pid: number): Promise<ProcessInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state): pgrp is field 5, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
    return { pid, pgrp: Number(fields[2]), startTime: fields[19], cmdline };
  } catch {
    return null; // gone meanwhile, or no /proc
  }
}

async function allProcesses(): Promise<ProcessInfo[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number);
  return (await Promise.all(pids.map(processInfo))).filter((info): info is ProcessInfo => info !== null);
}

let launches = 0;

/** A new, empty profile directory owned by this process. */
export async function createProfile(): Promise<string> {
  const self = await processInfo(process.pid);
  const dir = join(PROFILE_ROOT, `w${process.pid}-${self?.startTime ?? '0'}-${++launches}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Records the browser's pid (its process group) in its profile, for a later reaper. */
export async function recordBrowser(profile: string, pid: number | undefined): Promise<void> {
  if (pid) await writeFile(join(profile, BROWSER_PID_FILE), String(pid));
}

export async function removeProfile(profile: string): Promise<void> {
  await rm(profile, { recursive: true, force: true });
}

/**
 * Ends the Chromium processes of profiles whose owning process is gone, and removes those profiles.
 * Answers how many processes were ended.
 */
export async function reapOrphanedBrowsers(): Promise<number> {
  const names = (await readdir(PROFILE_ROOT).catch(() => [] as string[])).filter((name) => PROFILE_NAME.test(name));
  if (names.length === 0) return 0;
  const processes = await allProcesses();
  const byPid = new Map(processes.map((info) => [info.pid, info]));
  let ended = 0;
  for (const name of names) {
    const [, ownerPid, ownerStart] = PROFILE_NAME.exec(name) as RegExpExecArray;
    const owner = byPid.get(Number(ownerPid));
    if (owner && owner.startTime === ownerStart) continue; // still owned
    const profile = join(PROFILE_ROOT, name);
    const browserPid = Number(await readFile(join(profile, BROWSER_PID_FILE), 'utf8').catch(() => '0'));
    const marker = `--user-data-dir=${profile} `; // each argument ends with a NUL, read as a space
    for (const info of processes) {
      const inGroup = browserPid > 0 && info.pgrp === browserPid && /chrom/i.test(info.cmdline);
      if (info.cmdline.includes(marker) || inGroup) {
        try {
          process.kill(info.pid, 'SIGKILL');
          ended++;
        } catch {
          // already gone
        }
      }
    }
    await removeProfile(profile);
  }
  return ended;
}
