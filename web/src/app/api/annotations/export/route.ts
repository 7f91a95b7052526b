import { getDb } from '@/server/db/database';
import { readQuery, route, replyMedia } from '@/server/http/handler';
import { exportSpans, exportQuerySchema, spanExportReply } from '@/features/interchange/server';
import { labelStudioLayout } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** ?format=json|csv|labelstudio [&datasetId=] [&source=human,talib]: spans in the interchange format (web/docs/span-format.md). */
export const GET = route('viewer', async (request) => {
  const query = readQuery(request, exportQuerySchema);
  const file = exportSpans(getDb(), query, labelStudioLayout);
  return replyMedia(spanExportReply, file.body, {
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    'Cache-Control': 'no-store',
  });
});
