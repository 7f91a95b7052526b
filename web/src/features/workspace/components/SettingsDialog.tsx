'use client';
import { useState } from 'react';
import { Dialog } from '@/shared/ui/Dialog';
import type { OverlapPolicy, Project } from '@/features/projects';
import type { SessionInfo } from '@/features/auth';

interface Props {
  annotator: string;
  /** The signed-in user (their name is the annotator); null in the single-user mode. */
  signedIn: SessionInfo['user'];
  project: Project | undefined;
  onClose: () => void;
  onSave: (settings: { annotator: string; overlapPolicy: OverlapPolicy }) => void | Promise<void>;
}

export function SettingsDialog({ annotator, signedIn, project, onClose, onSave }: Props) {
  // The overlap policy is a project setting: admins change it (and everyone in single-user mode).
  const mayChangePolicy = !signedIn || signedIn.role === 'admin';
  const [name, setName] = useState(annotator);
  const [policy, setPolicy] = useState<OverlapPolicy>(project?.overlapPolicy ?? 'allow');
  return (
    <Dialog
      title="Settings"
      onClose={onClose}
      testId="settings-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn primary"
            disabled={!signedIn && !name.trim()}
            onClick={() => onSave({ annotator: name.trim(), overlapPolicy: policy })}
            data-testid="save-settings"
          >
            Save
          </button>
        </>
      }
    >
      {signedIn ? (
        <p className="field" data-testid="annotator-signed-in">
          Signed in as <strong>{signedIn.username}</strong> ({signedIn.role}): the annotator of every span you create or
          change.
        </p>
      ) : (
        <label className="field">
          Your name (recorded as the annotator of every span you create)
          <input
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={80}
            data-testid="annotator-input"
          />
        </label>
      )}
      <div className="field">
        <span className="muted">
          When a new or resized span overlaps another annotation ({project?.name ?? 'project'} setting
          {mayChangePolicy ? '' : '; admins change it'})
        </span>
        <label className="check">
          <input
            type="radio"
            name="overlap"
            disabled={!mayChangePolicy}
            checked={policy === 'allow'}
            onChange={() => setPolicy('allow')}
          />{' '}
          Allow overlaps (keep both spans)
        </label>
        <label className="check">
          <input
            type="radio"
            name="overlap"
            disabled={!mayChangePolicy}
            checked={policy === 'split'}
            onChange={() => setPolicy('split')}
          />{' '}
          Split the older span around the new one
        </label>
      </div>
    </Dialog>
  );
}
