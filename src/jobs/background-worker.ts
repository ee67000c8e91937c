/** Something that runs beside the HTTP server in each instance (the job scheduler, the e-mail dispatcher). */
export interface BackgroundWorker {
  name: string;
  start(): void;
  stop(): Promise<void>;
}
