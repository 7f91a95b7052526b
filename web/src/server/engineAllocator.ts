import 'server-only';
/**
 * Imported by engine.ts before the addon, for this side effect alone: the addon's allocator
 * (mimalloc) reads its options from the environment when the addon is loaded, and arenas
 * committed eagerly are advised for transparent huge pages, whose faults stall on memory
 * compaction (a first 10M-row import 1.65–1.76 s instead of 1.13–1.17 s; docs/decisions.md).
 * scripts/serve.mjs sets it too; the addon sets it on load for the arenas after its first.
 * Listed in package.json's `sideEffects`, or the bundler would drop the import.
 */
process.env.MIMALLOC_ARENA_EAGER_COMMIT ??= '0';

export {};
