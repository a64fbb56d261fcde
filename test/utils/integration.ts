import { ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';

import { CommonModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';

import { suiteDatabase } from '../setup/suite-database';
import { World } from './world';

/**
 * The middle tier of tests: a library's providers in a Nest module of their own, on a database of the
 * suite's own (copied from the run's migrated template) and the run's Redis prefix, without HTTP.
 * Started in beforeAll and closed in afterAll; `module` and `world` are read inside tests.
 */
export function integrationSuite(
  metadata: Pick<ModuleMetadata, 'imports' | 'providers'>,
  env: Record<string, string> = {},
): { readonly module: TestingModule; readonly world: World } {
  let module: TestingModule | undefined;
  let world: World | undefined;
  let drop = (): Promise<void> => Promise.resolve();
  beforeAll(async () => {
    const database = await suiteDatabase();
    drop = database.drop;
    Object.assign(process.env, env, { DATABASE_URL: database.url });
    module = await Test.createTestingModule({
      imports: [ConfigModule, DatabaseModule, CommonModule, ...(metadata.imports ?? [])],
      providers: metadata.providers ?? [],
    }).compile();
    module.useLogger(false); // the logs of failures a spec provokes on purpose
    await module.init();
    world = new World();
  });
  afterAll(async () => {
    await module?.close();
    await world?.close();
    await drop();
  });
  return {
    get module() {
      return module as TestingModule;
    },
    get world() {
      return world as World;
    },
  };
}
