import { parseCsv, restoreFormula } from './csv';
import { importedRecordSchema, type ImportedRecord } from './spanRecord';

export const IMPORT_FORMATS = ['auto', 'json', 'csv', 'labelstudio'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ParsedSpan extends ImportedRecord {
  /** 1-based position in the file (CSV line, JSON item, Label Studio result). */
  position: number;
  /** Label Studio only: the result's (region's) `id`, when it has one. */
  regionId?: string;
  /** Label Studio only: which of the region's `timeserieslabels` this span is (0 = first). */
  labelIndex?: number;
}

export interface ParseProblem {
  position: number;
  reason: string;
}

export interface ParsedImport {
  format: Exclude<ImportFormat, 'auto'>;
  spans: ParsedSpan[];
  problems: ParseProblem[];
}

export class ImportParseError extends Error {}

function isLabelStudio(value: unknown): boolean {
  const items = Array.isArray(value) ? value : [value];
  return items.some(
    (t) =>
      t && typeof t === 'object' && ('annotations' in t || 'completions' in t || 'result' in t || 'predictions' in t),
  );
}

/** Which of our formats a file is in, from its content. */
export function detectFormat(text: string): Exclude<ImportFormat, 'auto'> {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ImportParseError('The file looks like JSON but does not parse.');
    }
    return isLabelStudio(value) ? 'labelstudio' : 'json';
  }
  return 'csv';
}

function checkRecord(
  raw: unknown,
  position: number,
  spans: ParsedSpan[],
  problems: ParseProblem[],
  extra: Pick<ParsedSpan, 'regionId' | 'labelIndex'> = {},
): void {
  const parsed = importedRecordSchema.safeParse(raw);
  if (parsed.success) spans.push({ ...parsed.data, position, ...extra });
  else
    problems.push({
      position,
      reason: parsed.error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
    });
}

/** Our JSON export (`{ format, version, spans }`) or a bare array of span records. */
export function parseSpanJson(text: string): ParsedImport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportParseError('The file is not valid JSON.');
  }
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { spans?: unknown }).spans)
      ? (value as { spans: unknown[] }).spans
      : null;
  if (!list) throw new ImportParseError('Expected a JSON array of spans or an object with a "spans" array.');
  const spans: ParsedSpan[] = [];
  const problems: ParseProblem[] = [];
  list.forEach((item, i) => checkRecord(item, i + 1, spans, problems));
  return { format: 'json', spans, problems };
}

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

/** Our CSV export: a header row naming at least start, end and label (formula-neutralized cells are restored). */
export function parseSpanCsv(text: string): ParsedImport {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw new ImportParseError(`The CSV does not parse: ${(e as Error).message}.`);
  }
  if (rows.length === 0) throw new ImportParseError('The file is empty.');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  for (const required of ['start', 'end', 'label']) {
    if (!header.includes(required))
      throw new ImportParseError(
        `The CSV header must name the columns start, end and label (found: ${header.join(', ') || 'nothing'}).`,
      );
  }
  const spans: ParsedSpan[] = [];
  const problems: ParseProblem[] = [];
  rows.slice(1).forEach((cells, i) => {
    const raw: Record<string, unknown> = {};
    header.forEach((h, j) => {
      const v = restoreFormula((cells[j] ?? '').trim());
      if (v === '') return;
      raw[h] = (h === 'start' || h === 'end') && NUMERIC.test(v) ? Number(v) : v;
    });
    checkRecord(raw, i + 2, spans, problems);
  });
  return { format: 'csv', spans, problems };
}

/**
 * Label Studio JSON export: tasks (an array, or one task) whose annotations (or completions /
 * predictions) hold `timeserieslabels` results. value.start/end may be epoch ms, epoch seconds,
 * candle indices or formatted dates; they are resolved against the dataset later.
 */
export function parseLabelStudio(text: string): ParsedImport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportParseError('The file is not valid JSON.');
  }
  const tasks = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
  const spans: ParsedSpan[] = [];
  const problems: ParseProblem[] = [];
  let position = 0;
  for (const task of tasks) {
    if (!task || typeof task !== 'object') continue;
    const data = (task.data ?? {}) as Record<string, unknown>;
    const dataset = typeof data.dataset === 'string' ? data.dataset : undefined;
    const groups: Array<{ source?: 'model-confirmed'; items: unknown }> = [
      { items: task.annotations },
      { items: task.completions },
      { items: task.result ? [{ result: task.result }] : undefined },
    ];
    for (const group of groups) {
      if (!Array.isArray(group.items)) continue;
      for (const annotation of group.items as Array<Record<string, unknown>>) {
        const annotator =
          typeof annotation?.completed_by === 'string'
            ? annotation.completed_by
            : typeof (annotation?.completed_by as { email?: unknown })?.email === 'string'
              ? (annotation.completed_by as { email: string }).email
              : undefined;
        const results = Array.isArray(annotation?.result) ? (annotation.result as Array<Record<string, unknown>>) : [];
        for (const result of results) {
          if (result?.type !== 'timeserieslabels') continue;
          position++;
          const v = (result.value ?? {}) as Record<string, unknown>;
          const labels = Array.isArray(v.timeserieslabels) ? (v.timeserieslabels as unknown[]) : [];
          const note = Array.isArray((result.meta as { text?: unknown })?.text)
            ? (result.meta as { text: unknown[] }).text.join('\n') || undefined
            : undefined;
          if (labels.length === 0) {
            problems.push({ position, reason: 'value.timeserieslabels is empty' });
            continue;
          }
          const regionId =
            typeof result.id === 'string' || typeof result.id === 'number' ? String(result.id) : undefined;
          for (const [labelIndex, label] of labels.entries()) {
            checkRecord(
              {
                dataset,
                start: v.start,
                end: v.end,
                label,
                source: 'human',
                annotator,
                note,
                created_at: annotation.created_at,
                updated_at: annotation.updated_at,
              },
              position,
              spans,
              problems,
              { ...(regionId !== undefined ? { regionId } : {}), labelIndex },
            );
          }
        }
      }
    }
  }
  if (position === 0 && problems.length === 0)
    throw new ImportParseError('No timeserieslabels results found in the Label Studio export.');
  return { format: 'labelstudio', spans, problems };
}

export function parseImport(text: string, format: ImportFormat = 'auto'): ParsedImport {
  if (!text.trim()) throw new ImportParseError('The file is empty.');
  const chosen = format === 'auto' ? detectFormat(text) : format;
  if (chosen === 'json') return parseSpanJson(text);
  if (chosen === 'labelstudio') return parseLabelStudio(text);
  return parseSpanCsv(text);
}
