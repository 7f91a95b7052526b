// Preloaded into a server (`node --require`) when CPU_PROFILE_DIR is set: SIGUSR2 starts a V8 CPU
// profile (100 µs sampling), the next SIGUSR2 stops it and writes <pid>-<ms>.cpuprofile there.
// A profile that covers only the measured requests: no start-up, no warm-up, no shutdown.
const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const path = require('node:path');
  let session = null;
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new inspector.Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 100 }, () => session.post('Profiler.start')),
      );
      return;
    }
    const running = session;
    session = null;
    running.post('Profiler.stop', (error, result) => {
      const file = path.join(dir, `${process.pid}-${Date.now()}.cpuprofile`);
      if (error) console.error(`profile-on-signal: ${error.message}`);
      else {
        // Written under another name and renamed: a reader that sees the .cpuprofile sees all of it.
        fs.writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
        fs.renameSync(`${file}.partial`, file);
      }
      running.disconnect();
    });
  });
}
