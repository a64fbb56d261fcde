import { PdfColumn, SummaryTable } from '../sources/record-source';
import { WriterContext } from '../writers/format-writer';

/** Table rows per page. Rows never wrap (one line, shortened with an ellipsis), so page counts are known before rendering. */
export const ROWS_PER_PAGE = 28;
/** Cover, summary, controls. */
export const FRONT_PAGES = 3;
const FILTERS_SHOWN = 1_500;
const IDS_SHOWN = 12;

const FONTS: Record<string, string> = {
  ko: "'Noto Sans CJK KR', 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif",
  zh: "'Noto Sans CJK SC', 'Noto Sans CJK KR', 'DejaVu Sans', sans-serif",
};
const LATIN = "'DejaVu Sans', 'Noto Sans CJK SC', sans-serif";

const CONTROLS = ['iso_a_8_15', 'iso_a_8_16', 'iso_a_5_25', 'iso_a_5_26', 'iso_a_5_27', 'iso_a_5_28', 'pci_10'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Images per page of the report's image pages (include_images): three across, two down. */
export const IMAGES_PER_PAGE = 6;

/** Table pages of a report with `rows` table rows (one saying "no records" when there are none). */
export function tablePageCount(rows: number): number {
  return Math.max(1, Math.ceil(rows / ROWS_PER_PAGE));
}

/** Total pages of a report with `rows` table rows and `images` images (after the table, IMAGES_PER_PAGE a page). */
export function totalPages(rows: number, images = 0): number {
  return FRONT_PAGES + tablePageCount(rows) + Math.ceil(images / IMAGES_PER_PAGE);
}

/** A complete HTML document of fixed-size A4 landscape pages. */
export function reportDocument(context: WriterContext, pages: string[]): string {
  const locale = context.manifest.locale;
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(context.title)}</title><style>
@page { size: 297mm 210mm; margin: 0 }
* { box-sizing: border-box }
body { margin: 0; font-family: ${FONTS[locale] ?? LATIN}; font-size: 8.5pt; color: #111 }
.page { width: 297mm; height: 210mm; padding: 11mm 12mm 0 12mm; position: relative; overflow: hidden; page-break-after: always }
.page:last-child { page-break-after: auto }
header { display: flex; justify-content: space-between; gap: 4mm; font-size: 8pt; color: #444; border-bottom: 0.3mm solid #999; padding-bottom: 1.5mm; margin-bottom: 3mm; white-space: nowrap }
header .title { flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis } header .info { flex: none }
footer { position: absolute; left: 12mm; right: 12mm; bottom: 6mm; display: flex; justify-content: space-between; gap: 4mm; font-size: 7pt; color: #555; border-top: 0.2mm solid #999; padding-top: 1.5mm; white-space: nowrap }
h1 { font-size: 20pt; margin: 18mm 0 2mm } h2 { font-size: 12pt; margin: 0 0 3mm } h3 { font-size: 9.5pt; margin: 3mm 0 1.5mm }
.subtitle { font-size: 11pt; color: #444; margin-bottom: 8mm }
dl { display: grid; grid-template-columns: 48mm 1fr; gap: 1.2mm 4mm; margin: 0 } dt { color: #555 } dd { margin: 0; word-break: break-all }
.incomplete { color: #b00020; font-weight: bold } .note { color: #555; font-size: 7.5pt; margin-top: 4mm; max-width: 240mm }
table { border-collapse: collapse } .summary td, .summary th { padding: 0.8mm 2.5mm; border-bottom: 0.2mm solid #ddd; text-align: left }
.summary td.n { text-align: right } .grid { display: flex; gap: 10mm; align-items: flex-start }
table.records { width: 100%; table-layout: fixed; font-size: 7.5pt }
table.records th, table.records td { height: 5.6mm; padding: 0 1.2mm; border-bottom: 0.2mm solid #ddd; white-space: nowrap; text-align: left }
table.records th { background: #eee }
table.records td.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 7pt }
ul.controls li { margin-bottom: 2mm }
.images { display: grid; grid-template-columns: repeat(3, 1fr); grid-auto-rows: 82mm; gap: 4mm }
.images figure { margin: 0; min-width: 0; display: flex; flex-direction: column; align-items: center; border: 0.2mm solid #ddd; padding: 2mm }
.images img { max-width: 100%; max-height: 60mm; object-fit: contain }
.images .missing { height: 60mm; display: flex; align-items: center; color: #b00020 }
.images figcaption { font-size: 7pt; color: #444; margin-top: 1.5mm; text-align: center; word-break: break-all; max-height: 9mm; overflow: hidden }
</style></head><body>${pages.join('')}<script>${FIT_CELLS}</script></body></html>`;
}

/**
 * Shortens, before printing, every table cell whose text is wider than its column to the longest
 * prefix that fits with an ellipsis, measured with the cell's own font on a canvas. CSS would do the
 * same with overflow: hidden and text-overflow: ellipsis, but then every cell becomes a clip path in
 * the PDF, which made printing 1.7 times slower (docs/BENCHMARKS.md); the page header's title, one
 * line a page, does use CSS (a long title ends in an ellipsis, the tenant and time stay whole). Plain
 * JavaScript in a string, so no compiler or coverage tool rewrites it.
 */
const FIT_CELLS = `(function () {
  var ctx = document.createElement('canvas').getContext('2d');
  var tables = document.querySelectorAll('table.records');
  for (var t = 0; t < tables.length; t++) {
    var rows = tables[t].rows, widths = [], fonts = [];
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].cells;
      if (r <= 1) {
        for (var c = 0; c < cells.length; c++) {
          var style = getComputedStyle(cells[c]);
          widths[c] = cells[c].getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          // The whole font: a bold header (th) is wider than regular text of its size.
          fonts[c] = style.fontStyle + ' ' + style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
        }
      }
      for (var i = 0; i < cells.length; i++) {
        var text = cells[i].textContent;
        if (ctx.font !== fonts[i]) ctx.font = fonts[i];
        if (ctx.measureText(text).width <= widths[i]) continue;
        var chars = Array.from(text), lo = 0, hi = chars.length;
        while (lo < hi) {
          var mid = (lo + hi + 1) >> 1;
          if (ctx.measureText(chars.slice(0, mid).join('') + '\\u2026').width <= widths[i]) lo = mid; else hi = mid - 1;
        }
        cells[i].textContent = chars.slice(0, lo).join('') + '\\u2026';
        cells[i].title = text;
      }
    }
  }
})();`;

function page(context: WriterContext, number: number, total: number, body: string): string {
  const m = context.manifest;
  return `<section class="page"><header><span class="title">${escapeHtml(context.title)}</span><span class="info">${escapeHtml(context.tenantName)} · ${escapeHtml(context.zone.dateTime(new Date(m.generated_at)))} (${escapeHtml(context.zone.zone)})</span></header>${body}
<footer><span>${escapeHtml(context.t('footer.page', { page: number, pages: total }))}</span><span>${escapeHtml(m.export_id)}</span><span>${escapeHtml(context.t('cover.data_sha256'))}: ${m.data_sha256}</span></footer></section>`;
}

function filtersText(context: WriterContext): string {
  const entries = Object.entries(context.manifest.filters);
  if (entries.length === 0) return context.t('cover.none');
  const text = entries.map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`).join('; ');
  return text.length > FILTERS_SHOWN ? `${text.slice(0, FILTERS_SHOWN)} … (${context.manifest.export_id}: manifest)` : text;
}

/** The audit log checkpoint the export was written against and its signing key (an evidence pack carries the same checkpoint). */
function checkpointFields({ t, checkpoint }: WriterContext): [string, string][] {
  if (!checkpoint) return [[t('cover.checkpoint'), t('cover.unsigned')]];
  return [
    [t('cover.checkpoint'), t('cover.checkpoint_value', { size: checkpoint.treeSize, root: checkpoint.rootHash })],
    [t('cover.signing_key'), t('cover.signing_key_value', { name: checkpoint.keyName, kid: checkpoint.keyId, thumbprint: checkpoint.thumbprint })],
  ];
}

export function frontPages(context: WriterContext, total: number): string[] {
  const { t, manifest: m, zone } = context;
  const at = (iso: string | null) => (iso ? `${zone.dateTime(new Date(iso))} (${zone.zone})` : t('cover.open_start'));
  const ids = m.ids.length
    ? `${m.ids.length}: ${m.ids.slice(0, IDS_SHOWN).join(', ')}${m.ids.length > IDS_SHOWN ? ` … (${m.export_id}: manifest)` : ''}`
    : null;
  const fields: [string, string, string?][] = [
    [t('cover.tenant'), `${context.tenantName} (${m.tenant_id})`],
    [t('cover.resource'), t(`resource.${m.resource}`)],
    [t('cover.scope'), t(`scope.${m.scope}`)],
    [t('cover.filters'), filtersText(context)],
    ...(ids ? [[t('cover.ids'), ids] as [string, string]] : []),
    [t('cover.time_window'), `${at(m.time_window.from)} → ${at(m.time_window.to)}`],
    [t('cover.timezone'), m.timezone],
    [t('cover.as_of'), at(m.as_of)],
    [t('cover.generated_at'), at(m.generated_at)],
    [t('cover.generated_by'), `${m.requested_by}${m.request_id ? ` · ${t('cover.request_id')} ${m.request_id}` : ''}`],
    [t('cover.record_count'), String(m.row_count)],
    [
      t('cover.completeness'),
      m.complete ? t('cover.complete') : t('cover.incomplete', { reason: m.incomplete_reason ?? '' }),
      m.complete ? undefined : 'incomplete',
    ],
    [t('cover.export_id'), m.export_id],
    [t('cover.data_sha256'), m.data_sha256],
    ...checkpointFields(context),
  ];
  const cover = `<h1>${escapeHtml(context.title)}</h1><div class="subtitle">${escapeHtml(t('cover.subtitle'))}</div>
<dl>${fields.map(([label, value, cls]) => `<dt>${escapeHtml(label)}</dt><dd${cls ? ` class="${cls}"` : ''}>${escapeHtml(value)}</dd>`).join('')}</dl>
<p class="note">${escapeHtml(t('cover.verify'))}</p>`;
  const summary = `<h2>${escapeHtml(t('summary.heading'))}</h2><div class="grid">${context.summary.map(summaryTable).join('')}</div>
${m.resource === 'alerts' ? `<p class="note">${escapeHtml(t('summary.definitions'))}</p><p class="note">${escapeHtml(t('summary.per_alert'))}</p>` : ''}`;
  const controls = `<h2>${escapeHtml(t('controls.heading'))}</h2><p>${escapeHtml(t('controls.intro'))}</p>
<ul class="controls">${CONTROLS.map((key) => `<li>${escapeHtml(t(`controls.${key}`))}</li>`).join('')}</ul>`;
  return [page(context, 1, total, cover), page(context, 2, total, summary), page(context, 3, total, controls)];
}

function summaryTable(table: SummaryTable): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = table.rows
    .map((row) => `<tr>${row.map((v) => `<td${typeof v === 'number' ? ' class="n"' : ''}>${escapeHtml(v === null ? '–' : String(v))}</td>`).join('')}</tr>`)
    .join('');
  return `<div><h3>${escapeHtml(table.heading)}</h3><table class="summary"><tr>${head}</tr>${rows}</table></div>`;
}

/** Table pages for `rows` (already formatted cells), numbered from `firstPage`. */
export function tablePages(context: WriterContext, columns: PdfColumn[], rows: string[][], firstPage: number, total: number): string[] {
  const colgroup = `<colgroup>${columns.map((c) => (c.mm === null ? '<col>' : `<col style="width:${c.mm}mm">`)).join('')}</colgroup>`;
  const open = columns.map((c) => (c.mono ? '<td class="mono">' : '<td>'));
  const head = `<tr>${columns.map((c) => `<th>${escapeHtml(context.t(`columns.${c.key}`))}</th>`).join('')}</tr>`;
  if (rows.length === 0)
    return [page(context, firstPage, total, `<h2>${escapeHtml(context.t('table.heading'))}</h2><p>${escapeHtml(context.t('table.no_records'))}</p>`)];
  const pages: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_PAGE) {
    const body = rows
      .slice(start, start + ROWS_PER_PAGE)
      .map((cells) => `<tr>${cells.map((cell, i) => `${open[i]}${escapeHtml(cell)}</td>`).join('')}</tr>`)
      .join('');
    pages.push(page(context, firstPage + pages.length, total, `<table class="records">${colgroup}${head}${body}</table>`));
  }
  return pages;
}

/** One image of the report's image pages: its caption and a data: URI (null when its file is gone). */
export interface ImageCell {
  caption: string;
  dataUri: string | null;
}

/** Image pages for `images`, IMAGES_PER_PAGE a page, numbered from `firstPage`: each image fits its cell (at most 60 mm high). */
export function imagePages(context: WriterContext, images: ImageCell[], firstPage: number, total: number): string[] {
  const pages: string[] = [];
  for (let start = 0; start < images.length; start += IMAGES_PER_PAGE) {
    const figures = images
      .slice(start, start + IMAGES_PER_PAGE)
      .map(
        (image) =>
          `<figure>${image.dataUri ? `<img src="${image.dataUri}" alt="">` : `<div class="missing">${escapeHtml(context.t('images.unavailable'))}</div>`}<figcaption>${escapeHtml(image.caption)}</figcaption></figure>`,
      )
      .join('');
    pages.push(page(context, firstPage + pages.length, total, `<h2>${escapeHtml(context.t('images.heading'))}</h2><div class="images">${figures}</div>`));
  }
  return pages;
}
