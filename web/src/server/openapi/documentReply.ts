import { z } from 'zod';
import type { MediaReply } from '@/server/http/handler';

/** GET /api/openapi: this document, web/docs/openapi.json. */
export const openApiDocumentReply = {
  status: 200,
  content: {
    'application/json': z
      .looseObject({
        openapi: z.string(),
        info: z.looseObject({ title: z.string(), version: z.string() }),
        paths: z.record(z.string(), z.unknown()),
      })
      .describe('The OpenAPI 3.1 document'),
  },
} satisfies MediaReply;
