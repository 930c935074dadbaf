/** Matches `/products/42` against `/products/:id`; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = trimSlashes(pattern).split('/');
  const have = trimSlashes(pathname).split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    const actual = have[i] as string;
    if (part.startsWith(':')) {
      if (actual === '') return null;
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
