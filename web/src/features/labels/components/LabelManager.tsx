'use client';
import { useState } from 'react';
import { ApiRequestError } from '@/shared/apiClient';
import { Dialog } from '@/shared/ui/Dialog';
import { labelsApi, type LabelInput } from '../api';
import type { Label } from '../types';

interface Props {
  labels: Label[];
  onClose: () => void;
  /** Called after any change (labels and possibly spans changed). */
  onChanged: () => void | Promise<void>;
}

const HOTKEYS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

function LabelRow({
  label,
  onSaved,
  onDelete,
}: {
  label: Label;
  onSaved: () => void;
  onDelete: (label: Label) => void;
}) {
  const [draft, setDraft] = useState<LabelInput>({
    name: label.name,
    color: label.color,
    hotkey: label.hotkey,
    description: label.description,
  });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dirty =
    draft.name !== label.name ||
    draft.color !== label.color ||
    draft.hotkey !== label.hotkey ||
    draft.description !== label.description;
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await labelsApi.update(label.id, draft);
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <tr data-testid={`label-row-${label.name}`}>
        <td>
          <input
            type="color"
            className="color-input"
            value={draft.color}
            aria-label={`Colour of ${label.name}`}
            onChange={(e) => setDraft({ ...draft, color: e.target.value })}
          />
        </td>
        <td>
          <input
            className="input"
            value={draft.name}
            aria-label="Name"
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            style={{ width: '100%' }}
          />
        </td>
        <td>
          <select
            className="select"
            aria-label="Hotkey"
            value={draft.hotkey ?? ''}
            onChange={(e) => setDraft({ ...draft, hotkey: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">—</option>
            {HOTKEYS.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </td>
        <td>
          <input
            className="input"
            value={draft.description}
            aria-label="Description"
            placeholder="What to label"
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
            style={{ width: '100%' }}
          />
        </td>
        <td className="muted" style={{ textAlign: 'right' }}>
          {label.spanCount}
        </td>
        <td style={{ whiteSpace: 'nowrap' }}>
          <button type="button" className="btn small primary" disabled={!dirty || saving} onClick={save}>
            Save
          </button>{' '}
          <button
            type="button"
            className="btn small danger"
            onClick={() => onDelete(label)}
            aria-label={`Delete ${label.name}`}
          >
            Delete
          </button>
        </td>
      </tr>
      {error ? (
        <tr>
          <td colSpan={6} className="error-text">
            {error}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function DeleteLabelDialog({
  label,
  labels,
  onClose,
  onDone,
}: {
  label: Label;
  labels: Label[];
  onClose: () => void;
  onDone: () => void;
}) {
  const others = labels.filter((l) => l.id !== label.id);
  const [mode, setMode] = useState<'delete' | 'reassign'>(others.length ? 'reassign' : 'delete');
  const [target, setTarget] = useState<number | null>(others[0]?.id ?? null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      if (label.spanCount === 0) await labelsApi.remove(label.id);
      else if (mode === 'reassign' && target !== null)
        await labelsApi.remove(label.id, { spans: 'reassign', reassignTo: target });
      else await labelsApi.remove(label.id, { spans: 'delete' });
      onDone();
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : String(e));
    }
  };
  return (
    <Dialog
      title={`Delete label "${label.name}"`}
      onClose={onClose}
      testId="delete-label-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn danger" onClick={submit} data-testid="confirm-delete-label">
            Delete label
          </button>
        </>
      }
    >
      {label.spanCount === 0 ? (
        <p className="muted">No span uses this label.</p>
      ) : (
        <>
          <div className="notice warn">
            {label.spanCount} span{label.spanCount === 1 ? '' : 's'} use{label.spanCount === 1 ? 's' : ''} &ldquo;
            {label.name}&rdquo;. What should happen to {label.spanCount === 1 ? 'it' : 'them'}?
          </div>
          <label className="check">
            <input
              type="radio"
              name="disposition"
              checked={mode === 'reassign'}
              disabled={!others.length}
              onChange={() => setMode('reassign')}
            />
            Reassign to
            <select
              className="select"
              value={target ?? ''}
              disabled={mode !== 'reassign'}
              onChange={(e) => setTarget(Number(e.target.value))}
              aria-label="Reassign to label"
            >
              {others.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input type="radio" name="disposition" checked={mode === 'delete'} onChange={() => setMode('delete')} />
            Delete the spans too
          </label>
        </>
      )}
      {error ? <div className="notice error">{error}</div> : null}
    </Dialog>
  );
}

/** The project's label schema: name, colour, hotkey 1–9, description. */
export function LabelManager({ labels, onClose, onChanged }: Props) {
  const [draft, setDraft] = useState<LabelInput>({ name: '', color: '#38bdf8', hotkey: null, description: '' });
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const usedHotkeys = new Set(labels.map((l) => l.hotkey).filter(Boolean));
  const add = async () => {
    setError(null);
    try {
      await labelsApi.create(draft);
      setDraft({ name: '', color: '#38bdf8', hotkey: null, description: '' });
      await onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Dialog title="Labels" onClose={onClose} wide testId="label-manager">
      <p className="muted" style={{ margin: 0 }}>
        Hotkeys <kbd>1</kbd>–<kbd>9</kbd> label the selected candles. Colours are used for the bands on the chart.
      </p>
      <div className="table-scroll" style={{ maxHeight: 380 }}>
        <table className="plain-table">
          <thead>
            <tr>
              <th style={{ width: 44 }}>Colour</th>
              <th style={{ width: 170 }}>Name</th>
              <th style={{ width: 70 }}>Key</th>
              <th>Description</th>
              <th style={{ width: 50, textAlign: 'right' }}>Spans</th>
              <th style={{ width: 130 }} />
            </tr>
          </thead>
          <tbody>
            {labels.map((l) => (
              <LabelRow
                key={`${l.id}:${l.updatedAt}`}
                label={l}
                onSaved={() => void onChanged()}
                onDelete={setDeleting}
              />
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel-section" style={{ border: '1px solid var(--border)', borderRadius: 8 }}>
        <h3>New label</h3>
        <div className="row wrap">
          <input
            type="color"
            className="color-input"
            value={draft.color}
            aria-label="New label colour"
            onChange={(e) => setDraft({ ...draft, color: e.target.value })}
          />
          <input
            className="input"
            placeholder="Name, e.g. cup and handle"
            aria-label="New label name"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            style={{ flex: 1, minWidth: 160 }}
          />
          <select
            className="select"
            aria-label="New label hotkey"
            value={draft.hotkey ?? ''}
            onChange={(e) => setDraft({ ...draft, hotkey: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">No key</option>
            {HOTKEYS.map((h) => (
              <option key={h} value={h} disabled={usedHotkeys.has(h)}>
                {h}
                {usedHotkeys.has(h) ? ' (used)' : ''}
              </option>
            ))}
          </select>
          <input
            className="input"
            placeholder="Description"
            aria-label="New label description"
            value={draft.description}
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
            style={{ flex: 2, minWidth: 160 }}
          />
          <button type="button" className="btn primary" disabled={!draft.name.trim()} onClick={add}>
            Add label
          </button>
        </div>
        {error ? (
          <div className="notice error" style={{ marginTop: 8 }}>
            {error}
          </div>
        ) : null}
      </div>
      {deleting ? (
        <DeleteLabelDialog
          label={deleting}
          labels={labels}
          onClose={() => setDeleting(null)}
          onDone={() => {
            setDeleting(null);
            void onChanged();
          }}
        />
      ) : null}
    </Dialog>
  );
}
