import type { Route } from '../kit';

export const routes: Route[] = [];
