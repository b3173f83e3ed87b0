/**
 * Which methods each path of the API answers, so that a request with another method on a path
 * that exists is answered 405 with an `Allow` header (RFC 9110 §15.5.6), not 404 as if the path
 * did not exist. Filled from the routes as they are registered.
 */
export interface AllowedMethods {
  /** Records a route: `url` in Fastify's form (`/api/v1/users/:username/disable`, `/docs/*`). */
  add(method: string, url: string): void;
  /** The methods `path` answers, sorted; empty when no route matches it. */
  for(path: string): string[];
}

export function newAllowedMethods(): AllowedMethods {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  return {
    add(method, url) {
      let route = routes.get(url);
      if (!route) {
        const pattern = url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
        route = { pattern: new RegExp(`^${pattern}$`), methods: new Set() };
        routes.set(url, route);
      }
      route.methods.add(method);
    },
    for(path) {
      const methods = new Set<string>();
      for (const route of routes.values()) if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
      return [...methods].sort();
    },
  };
}
