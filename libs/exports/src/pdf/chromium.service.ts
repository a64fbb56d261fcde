import { access, constants } from 'node:fs/promises';

import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Browser, launch, Page } from 'puppeteer-core';

import { AppConfig } from '@app/config';

import { createProfile, reapOrphanedBrowsers, recordBrowser, removeProfile } from './chromium-profiles';

/** How every Chromium of ours starts (headless, as root in a container); the e2e browser tests use them too. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--font-render-hinting=none'];

/**
 * One Chromium for every PDF of the process, launched on first use and relaunched when it dies; every
 * page it hands out is closed in `finally`, whatever the work did. Each launch gets a profile directory
 * that names this process, so a process that starts ends the browsers a killed one left behind.
 */
@Injectable()
export class ChromiumService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChromiumService.name);
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private closing = false;

  constructor(private readonly config: AppConfig) {}

  /** Runs `work` on a new page; if Chromium dies meanwhile, fails at once instead of waiting for a timeout. */
  async withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.current();
    let onDisconnect = (): void => undefined;
    const died = new Promise<never>((_, reject) => {
      onDisconnect = () => reject(new Error('Chromium disconnected while printing'));
      browser.once('disconnected', onDisconnect);
    });
    let page: Page | undefined;
    try {
      return await Promise.race([
        died,
        browser.newPage().then((opened) => {
          page = opened;
          return work(opened);
        }),
      ]);
    } finally {
      browser.off('disconnected', onDisconnect);
      died.catch(() => undefined);
      await page?.close().catch(() => undefined);
    }
  }

  /** For /health/ready: the executable is there, and a launched browser is still connected. */
  async isReady(): Promise<boolean> {
    try {
      await access(this.config.chromiumPath, constants.X_OK);
    } catch {
      return false;
    }
    return this.browser === null || this.browser.connected;
  }

  /** The browser's process id, when one runs (operators and fault-injection tests use it). */
  pid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  async onModuleInit(): Promise<void> {
    const ended = await reapOrphanedBrowsers().catch((error: Error) => {
      this.logger.warn(`could not look for Chromium processes of dead workers: ${error.message}`);
      return 0;
    });
    if (ended) this.logger.warn(`ended ${ended} Chromium processes left by a worker that is gone`);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const browser = this.browser ?? (await this.launching?.catch(() => null));
    await browser?.close().catch(() => undefined);
  }

  private current(): Promise<Browser> {
    if (this.browser?.connected) return Promise.resolve(this.browser);
    this.launching ??= this.launch().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    if (this.closing) throw new Error('Chromium is shutting down');
    const started = Date.now();
    // Over a pipe rather than a WebSocket: Chromium then exits when this process dies, even by SIGKILL.
    const profile = await createProfile();
    const browser = await launch({
      executablePath: this.config.chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      pipe: true,
      protocolTimeout: 300_000,
      userDataDir: profile,
    }).catch(async (error: unknown) => {
      await removeProfile(profile);
      throw error;
    });
    await recordBrowser(profile, browser.process()?.pid);
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = null;
      void removeProfile(profile).catch(() => undefined);
      if (!this.closing) this.logger.warn('Chromium disconnected; the next page relaunches it');
    });
    this.browser = browser;
    this.logger.log(`Chromium ${await browser.version()} started in ${Date.now() - started} ms (pid ${browser.process()?.pid})`);
    return browser;
  }
}
