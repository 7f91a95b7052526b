/** Next.js server start hook: prepare the database and seed the demo datasets (Node.js runtime only). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { prepareOnStartup } = await import('./server/startup');
  await prepareOnStartup();
}
