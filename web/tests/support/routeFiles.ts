// The route scan lives with the OpenAPI generator, which reads every route's source.
export { API_DIR, routeFiles } from '@/server/openapi/generate';
