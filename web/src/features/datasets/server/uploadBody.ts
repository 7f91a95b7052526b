import 'server-only';
import { CsvUpload } from '@/server/engine';
import { readBodyChunks } from '@/server/http/handler';
import { checkUploadHead, isBlank, UPLOAD_HEAD_BYTES, type UploadProblem } from '../lib/uploadChecks';

/**
 * An uploaded CSV as the routes read it: its bytes in the engine's memory (`CsvUpload`, imported
 * without a copy), and here only what the cheap checks need (the head, whether all of it is blank).
 */
export interface UploadedCsv {
  upload: CsvUpload;
  byteLength: number;
  /** The binary/empty-file check's verdict (`checkUploadBytes`). */
  problem: UploadProblem | null;
}

/**
 * Reads a CSV upload's body straight into a `CsvUpload`, chunk by chunk, within `maxBytes` (413
 * beyond it). A Buffer would be copied whole again by `importCsv`: 573 MB of fresh memory, which
 * cost the import 0.35–1.4 s here (`bench/scale`).
 */
export async function readCsvUpload(request: Request, maxBytes: number): Promise<UploadedCsv> {
  const head = new Uint8Array(UPLOAD_HEAD_BYTES);
  let headLength = 0;
  let blank = true;
  let upload: CsvUpload | null = null;
  try {
    const byteLength = await readBodyChunks(request, maxBytes, (chunk, declared) => {
      // Room for the declared length (within the limit, checked before the first chunk).
      upload ??= new CsvUpload(declared !== null && declared <= maxBytes ? declared : undefined);
      upload.append(chunk);
      if (headLength < head.length) {
        const part = chunk.subarray(0, head.length - headLength);
        head.set(part, headLength);
        headLength += part.byteLength;
      }
      if (blank) blank = isBlank(chunk);
    });
    return {
      upload: upload ?? new CsvUpload(),
      byteLength,
      problem: checkUploadHead(head.subarray(0, headLength), blank),
    };
  } catch (error) {
    (upload as CsvUpload | null)?.release();
    throw error;
  }
}
