import { SaxesParser, type SaxesTagPlain } from 'saxes';

/**
 * The parts of a Label Studio labeling config (XML) this backend needs: the `<TimeSeriesLabels>`
 * control (its `name` and `toName`, its `<Label value>`s) and the `<TimeSeries>` object it points
 * at (`value="$key"`, `valueType`, `timeColumn`, `timeFormat`, `sep`, `<Channel column>`s).
 *
 * The config comes from the network (Label Studio, or anyone who can reach the webhook), so it is
 * read with a real, linear-time XML parser (saxes: strict XML, no DTD processing, no entity
 * expansion beyond the five predefined ones) under size, element-count and depth limits, checked
 * before and while parsing. No regular expression ever runs over it.
 */
export interface TimeSeriesObject {
  name: string;
  /** The task data key holding the series (`value="$ts"` → `ts`). */
  valueKey: string;
  /** `json` (inline columns/rows) or `url` (a CSV file Label Studio serves); null = Label Studio's default (`url`). */
  valueType: string | null;
  timeColumn: string | null;
  timeFormat: string | null;
  /** The CSV separator (`sep`, default `,`). */
  sep: string | null;
  channels: string[];
}

export interface TimeSeriesLabelsControl {
  fromName: string;
  toName: string;
  labels: string[];
  object: TimeSeriesObject;
}

export class LabelConfigError extends Error {}

/** Label Studio configs are a few KB; 256 KiB leaves room for thousands of labels. */
export const MAX_LABEL_CONFIG_BYTES = 256 * 1024;
export const MAX_LABEL_CONFIG_ELEMENTS = 20_000;
export const MAX_LABEL_CONFIG_DEPTH = 64;

interface Element {
  name: string;
  attrs: Record<string, string>;
  /** The nearest enclosing element with each of these names (inherited in O(1) per element). */
  within: { TimeSeries: Element | null; TimeSeriesLabels: Element | null };
}

/** Every element of the config, in document order, with its parent (limits enforced). */
function elements(xml: string): Element[] {
  if (Buffer.byteLength(xml, 'utf8') > MAX_LABEL_CONFIG_BYTES)
    throw new LabelConfigError(
      `The label config is ${(Buffer.byteLength(xml, 'utf8') / 1024).toFixed(0)} KiB; the limit is ${MAX_LABEL_CONFIG_BYTES / 1024} KiB.`,
    );
  const parser = new SaxesParser({ xmlns: false, position: true });
  const out: Element[] = [];
  const stack: Element[] = [];
  let failure: LabelConfigError | null = null;
  const fail = (message: string) => {
    failure ??= new LabelConfigError(message);
  };
  // The first problem ends the parse: saxes would otherwise report every later one (one per
  // comment opener in `<!--<!--…`), which turns a linear parse into a slow one.
  const stop = (message: string): never => {
    fail(message);
    throw failure;
  };
  parser.on('error', (e) => stop(`The label config is not well-formed XML: ${e.message}`));
  parser.on('doctype', () => stop('The label config may not contain a DOCTYPE.'));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (out.length >= MAX_LABEL_CONFIG_ELEMENTS)
      stop(`The label config has more than ${MAX_LABEL_CONFIG_ELEMENTS} elements.`);
    if (stack.length >= MAX_LABEL_CONFIG_DEPTH)
      stop(`The label config nests elements deeper than ${MAX_LABEL_CONFIG_DEPTH} levels.`);
    const parent = stack[stack.length - 1];
    const within = parent
      ? {
          TimeSeries: parent.name === 'TimeSeries' ? parent : parent.within.TimeSeries,
          TimeSeriesLabels: parent.name === 'TimeSeriesLabels' ? parent : parent.within.TimeSeriesLabels,
        }
      : { TimeSeries: null, TimeSeriesLabels: null };
    const element: Element = { name: tag.name, attrs: tag.attributes as Record<string, string>, within };
    out.push(element);
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error !== failure) fail(`The label config is not well-formed XML: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  return out;
}

/** The values of `attr` on the `child` elements directly or indirectly inside each `parent`, in one pass. */
function childValues(all: Element[], parent: 'TimeSeries' | 'TimeSeriesLabels', child: string, attr: string) {
  const byParent = new Map<Element, string[]>();
  for (const e of all) {
    const owner = e.within[parent];
    if (e.name !== child || !owner || !e.attrs[attr]) continue;
    const list = byParent.get(owner) ?? [];
    list.push(e.attrs[attr]);
    byParent.set(owner, list);
  }
  return byParent;
}

/**
 * The first `<TimeSeriesLabels>` control whose `toName` names a `<TimeSeries>` object.
 * Throws LabelConfigError when the config has none, is not well-formed XML, or breaks a limit.
 */
export function parseLabelConfig(xml: string): TimeSeriesLabelsControl {
  const all = elements(xml);
  if (!all.length || (all[0].name !== 'View' && !all.some((e) => e.name === 'TimeSeries')))
    throw new LabelConfigError('The label config is not a Label Studio labeling config (no <View> element).');
  const channels = childValues(all, 'TimeSeries', 'Channel', 'column');
  const labels = childValues(all, 'TimeSeriesLabels', 'Label', 'value');
  const objects = new Map<string, TimeSeriesObject>();
  for (const e of all) {
    if (e.name !== 'TimeSeries' || !e.attrs.name || objects.has(e.attrs.name)) continue;
    const value = e.attrs.value ?? '';
    objects.set(e.attrs.name, {
      name: e.attrs.name,
      valueKey: value.startsWith('$') ? value.slice(1) : value,
      valueType: e.attrs.valueType ?? null,
      timeColumn: e.attrs.timeColumn ?? null,
      timeFormat: e.attrs.timeFormat ?? null,
      sep: e.attrs.sep ?? null,
      channels: channels.get(e) ?? [],
    });
  }
  const controls = all
    .filter((e) => e.name === 'TimeSeriesLabels')
    .map((e) => ({ fromName: e.attrs.name ?? '', toName: e.attrs.toName ?? '', labels: labels.get(e) ?? [] }));
  if (!controls.length)
    throw new LabelConfigError(
      'The label config has no <TimeSeriesLabels> control: this backend labels time series only.',
    );
  for (const c of controls) {
    // toName may list several objects ("ts,ts2"); the first TimeSeries one is used.
    const target = c.toName
      .split(',')
      .map((s) => s.trim())
      .find((n) => objects.has(n));
    if (c.fromName && target)
      return { fromName: c.fromName, toName: target, labels: c.labels, object: objects.get(target)! };
  }
  throw new LabelConfigError(
    `No <TimeSeriesLabels> control points (toName) at a <TimeSeries> object (found: ${controls.map((c) => `${c.fromName || '?'}→${c.toName || '?'}`).join(', ')}).`,
  );
}
