/** Validators and serializers compiled at first use: same function, failures kept, everything compilable at once. */
import { describe, expect, it } from 'vitest';
import { DeferredCompilations } from '../../src/http/deferred-compilation.js';

describe('deferred compilation', () => {
  it('compiles at the first call, once', () => {
    const compilations = new DeferredCompilations();
    let compiled = 0;
    const double = compilations.defer('double', () => {
      compiled += 1;
      return (n: number) => n * 2;
    });
    expect(compiled).toBe(0);
    expect(double(2)).toBe(4);
    expect(double(5)).toBe(10);
    expect(compiled).toBe(1);
    expect(compilations.compileAll()).toBe(0);
  });

  it('keeps a failure and throws it again without compiling again', () => {
    const compilations = new DeferredCompilations();
    let attempts = 0;
    const broken = compilations.defer('GET /broken body schema', (): ((n: number) => number) => {
      attempts += 1;
      throw new Error('schema is invalid: data/type must be equal to one of the allowed values');
    });
    expect(() => broken(1)).toThrow('schema is invalid');
    expect(() => broken(1)).toThrow('schema is invalid');
    expect(attempts).toBe(1);
  });

  it('compileAll compiles what is pending and names the first that fails', () => {
    const compilations = new DeferredCompilations();
    const ok = compilations.defer('ok', () => () => 'ok');
    expect(compilations.compileAll()).toBe(1);
    expect(ok()).toBe('ok');
    compilations.defer('POST /clients body schema', () => {
      throw new Error('unknown format "nope"');
    });
    expect(() => compilations.compileAll()).toThrow('POST /clients body schema: unknown format "nope"');
  });
});
