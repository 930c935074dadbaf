export { navigate, safeNextPath, useLocation } from './history.ts';
export type { AppLocation, NavigateOptions } from './history.ts';
export { Link } from './link.tsx';
export { Redirect } from './redirect.tsx';
export { matchPath } from './match.ts';
