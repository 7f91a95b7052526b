import { route, reply } from '@/server/http/handler';
import { patternCatalog, patternListResponse } from '@/features/autolabel/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The engine's TA-Lib candlestick patterns (`listPatterns()`). */
export const GET = route('viewer', async () => reply(patternListResponse, { patterns: patternCatalog() }));
