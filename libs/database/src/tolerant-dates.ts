import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type ResultSet = Awaited<ReturnType<Adapter['queryRaw']>>;
type Queryable = Pick<Adapter, 'queryRaw'>;

/** The driver adapter's column type of timestamp and timestamptz (ColumnTypeEnum.DateTime). */
const DATE_TIME = 10;
/** The ends of a JavaScript Date's range, for PostgreSQL's infinities. */
const INFINITY: Record<string, string> = { infinity: '+275760-09-13T00:00:00Z', '-infinity': '-271821-04-20T00:00:00Z' };
const DASH = 45;
const LONG_YEAR = /^(\d{5,6})(-.*)$/;
const BC = /^(\d{4,6})(-.*) BC$/;

/**
 * A stored timestamp as text a JavaScript Date reads. The API never writes a year outside 1970–9999
 * (`parseInstant`), but rows written by SQL or before that rule may hold year 10000 (`24:00` of
 * 9999-12-31), a BC date or an infinity: the adapter hands them over as `10000-01-01T00:00:00+00:00`,
 * which `new Date()` refuses, and every read of the row failed. Those become the expanded-year form
 * (`+010000-…`) or the ends of Date's range, so the row still reads, shows and changes.
 */
export function tolerantDateText(text: string): string {
  const infinity = INFINITY[text];
  if (infinity) return infinity;
  const bc = BC.exec(text);
  if (bc) return `-${String(Number(bc[1]) - 1).padStart(6, '0')}${bc[2].replace(/([+-]\d{2})$/, '$1:00')}`;
  const long = LONG_YEAR.exec(text);
  return long ? `+${long[1].padStart(6, '0')}${long[2]}` : text;
}

function tolerant(result: ResultSet): ResultSet {
  const columns = result.columnTypes.flatMap((type, index) => ((type as number) === DATE_TIME ? [index] : []));
  if (columns.length === 0) return result;
  for (const row of result.rows) {
    for (const column of columns) {
      const value = row[column];
      if (typeof value === 'string' && (value.charCodeAt(4) !== DASH || value.endsWith('BC'))) row[column] = tolerantDateText(value);
    }
  }
  return result;
}

function patchQueries<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => tolerant(await queryRaw(query));
  return queryable;
}

/** Prisma's pg adapter whose reads (outside and inside transactions) tolerate out-of-range stored timestamps. */
export function tolerantPrismaPg(...options: ConstructorParameters<typeof PrismaPg>): PrismaPg {
  const factory = new PrismaPg(...options);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = patchQueries(await connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => patchQueries(await startTransaction(...args));
    return adapter;
  };
  return factory;
}
