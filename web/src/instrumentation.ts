/**
 * Next.js server start hook (Node.js runtime only): refuses to serve when the single-user mode is
 * asked for on an interface other than loopback, then prepares the database, the first admin and
 * the demo datasets.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Node-only code (process.exit) lives in server/startup so the Edge bundle of this file stays clean.
  const { refuseUnsafeAuthConfig, prepareOnStartup } = await import('./server/startup');
  refuseUnsafeAuthConfig();
  await prepareOnStartup();
}
