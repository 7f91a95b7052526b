import { readQuery, route, replyMedia } from '@/server/http/handler';
import { plotQuerySchema, plotFile, modelPlotReply } from '@/features/models/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** An SVG plot of a model version (`?model=v0003&name=confusion_validation.svg`); only files inside the registry. */
export const GET = route('viewer', async (request) => {
  const { model, name } = readQuery(request, plotQuerySchema);
  const { body, contentType } = await plotFile(model, name);
  return replyMedia(modelPlotReply, new Uint8Array(body), {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
});
