/** Something that runs beside the HTTP server in each instance (the job scheduler, the e-mail dispatcher, SQLite's checkpoint thread). */
export interface BackgroundWorker {
  name: string;
  start(): void;
  stop(): Promise<void>;
}
