import { Router } from 'express';
import type { Deps } from '../../deps';

export function accessKeyRoutes(_deps: Deps): Router {
  const router = Router();
  return router;
}
