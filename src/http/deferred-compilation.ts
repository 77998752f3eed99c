/**
 * Route validators and response serializers compiled at their first use instead of when the route
 * is registered. Fastify asks for every one of them at startup (hundreds of schemas, about a second
 * of CPU on each server start and in each one-shot process, most of it for routes that process never
 * serves); compiled later, the function, and so every answer, is the same.
 *
 * What deferring must not cost:
 * - a broken schema must still fail before production traffic finds it: `compileAll()` compiles
 *   everything still pending, and a test calls it on the fully built server (test/in-process/
 *   route-schemas.test.ts), so a schema that does not compile fails the suite, not a first request;
 * - a compile failure is kept and thrown again on every use, never retried, so a client cannot make
 *   the server redo a failing compile on each request.
 */
export class DeferredCompilations {
  /** The compilations not attempted yet: each removes itself once attempted, so nothing is held twice. */
  private readonly pending = new Map<() => unknown, string>();

  /** `compile` runs at the returned function's first call (or at `compileAll`); `label` names it in errors. */
  defer<A extends unknown[], R>(label: string, compile: () => (...args: A) => R): (...args: A) => R {
    let compiled: ((...args: A) => R) | undefined;
    let failure: { error: unknown } | undefined;
    const ensure = (): ((...args: A) => R) => {
      if (compiled) return compiled;
      if (failure) throw failure.error;
      this.pending.delete(ensure);
      try {
        compiled = compile();
        return compiled;
      } catch (error) {
        failure = { error };
        throw error;
      }
    };
    this.pending.set(ensure, label);
    return (...args: A) => ensure()(...args);
  }

  /** Compiles every pending function now; throws on the first that fails, naming it. Returns how many were compiled. */
  compileAll(): number {
    let count = 0;
    for (const [ensure, label] of [...this.pending]) {
      try {
        ensure();
      } catch (error) {
        throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      count += 1;
    }
    return count;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route validator and response serializer not compiled yet (server/app.ts); throws on a broken schema. */
    compileDeferredSchemas(): number;
  }
}
