/**
 * The parts of a Label Studio labeling config (XML) this backend needs: the `<TimeSeriesLabels>`
 * control (its `name` and `toName`, its `<Label value>`s) and the `<TimeSeries>` object it points
 * at (`value="$key"`, `timeColumn`, `timeFormat`, `<Channel column>`s). A small tag scanner, not
 * a full XML parser: Label Studio configs are flat, attribute-only markup.
 */
export interface TimeSeriesObject {
  name: string;
  /** The task data key holding the series (`value="$ts"` → `ts`). */
  valueKey: string;
  valueType: string | null;
  timeColumn: string | null;
  timeFormat: string | null;
  channels: string[];
}

export interface TimeSeriesLabelsControl {
  fromName: string;
  toName: string;
  labels: string[];
  object: TimeSeriesObject;
}

export class LabelConfigError extends Error {}

interface Tag {
  name: string;
  attrs: Record<string, string>;
  closing: boolean;
  selfClosing: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);

function* tags(xml: string): Generator<Tag> {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const attrs: Record<string, string> = {};
    const attrRe = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    for (let a = attrRe.exec(m[3]); a; a = attrRe.exec(m[3])) attrs[a[1]] = decode(a[2] ?? a[3] ?? '');
    yield { name: m[2], attrs, closing: m[1] === '/', selfClosing: m[4] === '/' };
  }
}

/**
 * The first `<TimeSeriesLabels>` control whose `toName` names a `<TimeSeries>` object.
 * Throws LabelConfigError when the config has none (or is not markup at all).
 */
export function parseLabelConfig(xml: string): TimeSeriesLabelsControl {
  if (!/<\s*View\b/i.test(xml) && !/<\s*TimeSeries/i.test(xml)) throw new LabelConfigError('The label config is not a Label Studio labeling config (no <View> element).');
  const objects = new Map<string, TimeSeriesObject>();
  const controls: Array<{ fromName: string; toName: string; labels: string[] }> = [];
  let currentObject: TimeSeriesObject | null = null;
  let currentControl: { fromName: string; toName: string; labels: string[] } | null = null;
  for (const tag of tags(xml)) {
    if (tag.name === 'TimeSeries') {
      if (tag.closing) currentObject = null;
      else {
        const value = tag.attrs.value ?? '';
        const obj: TimeSeriesObject = {
          name: tag.attrs.name ?? '',
          valueKey: value.startsWith('$') ? value.slice(1) : value,
          valueType: tag.attrs.valueType ?? null,
          timeColumn: tag.attrs.timeColumn ?? null,
          timeFormat: tag.attrs.timeFormat ?? null,
          channels: [],
        };
        if (obj.name) objects.set(obj.name, obj);
        currentObject = tag.selfClosing ? null : obj;
      }
    } else if (tag.name === 'Channel' && !tag.closing && currentObject && tag.attrs.column) {
      currentObject.channels.push(tag.attrs.column);
    } else if (tag.name === 'TimeSeriesLabels') {
      if (tag.closing) currentControl = null;
      else {
        const control = { fromName: tag.attrs.name ?? '', toName: tag.attrs.toName ?? '', labels: [] as string[] };
        controls.push(control);
        currentControl = tag.selfClosing ? null : control;
      }
    } else if (tag.name === 'Label' && !tag.closing && currentControl && tag.attrs.value) {
      currentControl.labels.push(tag.attrs.value);
    }
  }
  if (!controls.length) throw new LabelConfigError('The label config has no <TimeSeriesLabels> control: this backend labels time series only.');
  for (const c of controls) {
    // toName may list several objects ("ts,ts2"); the first TimeSeries one is used.
    const target = c.toName.split(',').map((s) => s.trim()).find((n) => objects.has(n));
    if (c.fromName && target) return { fromName: c.fromName, toName: target, labels: c.labels, object: objects.get(target)! };
  }
  throw new LabelConfigError(`No <TimeSeriesLabels> control points (toName) at a <TimeSeries> object (found: ${controls.map((c) => `${c.fromName || '?'}→${c.toName || '?'}`).join(', ')}).`);
}
