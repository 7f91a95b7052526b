import { json, route } from '@/server/http/handler';
import { patternCatalog } from '@/features/autolabel/server/autoLabelService';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The engine's TA-Lib candlestick patterns (`listPatterns()`). */
export const GET = route(async () => json({ patterns: patternCatalog() }));
