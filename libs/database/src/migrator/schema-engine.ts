import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

/** The part of @prisma/schema-engine-wasm's SchemaEngine that the migrator uses. */
export interface SchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

type WasmExports = Record<string, unknown>;

/** The slice of the WebAssembly global used here (the ES2023 lib that this project compiles with has no typings for it). */
declare const WebAssembly: {
  instantiate(bytes: Buffer, imports: Record<string, object>): Promise<{ instance: { exports: WasmExports } }>;
};

interface SchemaEngineBindings {
  SchemaEngine: { new: (options: unknown, log: (line: string) => void, adapter: object) => Promise<SchemaEngine> };
  __wbg_set_wasm(exports: WasmExports): void;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

let bindings: Promise<SchemaEngineBindings> | undefined;

/**
 * The package is ESM and imports its .wasm file, which Node 20 cannot do without a flag, so we
 * instantiate the module ourselves and hand it to the generated bindings (what its entry file does).
 */
function loadBindings(): Promise<SchemaEngineBindings> {
  bindings ??= (async () => {
    const modulePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bg = require(modulePath) as SchemaEngineBindings;
    const wasmBytes = readFileSync(join(dirname(modulePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(wasmBytes, { './schema_engine_bg.js': withTrackedTimers(bg) });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

/** Timers the engine set and that have not fired: an engine freed leaves its 10 s timers behind. */
const engineTimers = new Set<NodeJS.Timeout>();
let openEngines = 0;

/**
 * The bindings with the engine's setTimeout recorded, so that closing the last open engine clears its
 * timers: the engine never clears them itself, and each held the process (a CLI, Jest's global setup)
 * alive for ten seconds after the work was done.
 */
function withTrackedTimers(bg: SchemaEngineBindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bg };
  for (const [name, value] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (callback: () => void, ms: number) => {
      const timer: NodeJS.Timeout = (value as (callback: () => void, ms: number) => NodeJS.Timeout)(() => {
        engineTimers.delete(timer);
        callback();
      }, ms);
      engineTimers.add(timer);
      return timer;
    };
  }
  return imports;
}

/**
 * adapter-pg has no column type for PostgreSQL's internal one-byte `"char"` (OID 18), which the
 * engine's introspection queries of pg_catalog return; we read it as text, only here.
 */
function withCharAsText(factory: PrismaPg, opened: { dispose(): Promise<void> }[]): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    opened.push(adapter);
    const queryable = adapter as unknown as { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
    const performIO = queryable.performIO.bind(queryable);
    queryable.performIO = async (query) => {
      const result = await performIO(query);
      for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      return result;
    };
    return adapter;
  };
  return factory;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes the connections it opened. */
  close(): Promise<void>;
}

export async function openSchemaEngine(connectionString: string, schema: string): Promise<OpenSchemaEngine> {
  const { SchemaEngine } = await loadBindings();
  const errors: string[] = [];
  const log = (line: string): void => {
    if (line.includes('"level":"ERROR"')) errors.push(line);
  };
  const opened: { dispose(): Promise<void> }[] = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(withCharAsText(new PrismaPg({ connectionString }), opened));
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, log, adapter);
  openEngines++;
  return {
    engine,
    close: async () => {
      engine.free();
      if (--openEngines === 0) {
        for (const timer of engineTimers) clearTimeout(timer);
        engineTimers.clear();
      }
      await Promise.all(opened.map((connection) => connection.dispose()));
    },
  };
}
