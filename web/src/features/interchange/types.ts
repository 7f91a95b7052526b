export interface SpanImportReport {
  format: string;
  imported: number;
  duplicates: number;
  skipped: Array<{ position: number; reason: string }>;
  createdLabels: string[];
  datasets: Array<{ id: number; name: string; imported: number }>;
}
