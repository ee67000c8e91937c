import { Router } from 'express';
import type { Deps } from '../../deps';

export function publicationRoutes(_deps: Deps): Router {
  return Router();
}
