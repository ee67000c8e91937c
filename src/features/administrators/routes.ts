import { Router } from 'express';
import type { Deps } from '../../deps';

export function administratorRoutes(_deps: Deps): Router {
  const router = Router();
  return router;
}
