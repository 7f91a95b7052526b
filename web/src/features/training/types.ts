/** The training feature's client-side types: the server's own, never copies. */
export type { TrainingJob } from './server/trainingJobs';
export type { TrainingStart as TrainingStartBody } from './schemas';
